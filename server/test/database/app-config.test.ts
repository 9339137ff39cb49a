import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({}, '/srv/pulse')).toEqual({
      port: 3000,
      databaseUrl: null,
      databaseWaitSeconds: 60,
      dataDir: path.resolve('/srv/pulse', '.pulse/data'),
      simulateRate: 2,
      seed: 42,
      demoAccounts: 300,
      coalesceMs: 50,
      publicOrigins: [],
      maxSubscriptionsPerSocket: 100,
      maxTopics: 1_000,
      socketQueueBytes: 4 * 1024 * 1024,
      historyRetentionDays: 1095,
      logLevel: 'info',
      alerts: {
        deliver: true,
        smtpUrl: null,
        mailFrom: 'Pulse <pulse@localhost>',
        maxAttempts: 8,
        retryBaseMs: 2_000,
      },
      redisUrl: null,
      redisKeyPrefix: 'pulse:',
      adminToken: null,
      oidc: null,
      sessionHours: 12,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'postgres://u@db:5432/pulse',
        PULSE_DATABASE_WAIT_SECONDS: '5',
        PULSE_DATA_DIR: '/var/pulse',
        PULSE_SIMULATE_RATE: '0.5',
        PULSE_SEED: '7',
        PULSE_DEMO_ACCOUNTS: '0',
        PULSE_COALESCE_MS: '20',
        PULSE_PUBLIC_URL: 'https://pulse.example.com/, http://wall.example.com:8080/dash',
        PULSE_MAX_SUBSCRIPTIONS_PER_SOCKET: '20',
        PULSE_MAX_TOPICS: '300',
        PULSE_SOCKET_QUEUE_MB: '8',
        PULSE_HISTORY_RETENTION_DAYS: '400',
        LOG_LEVEL: 'DEBUG',
        REDIS_URL: 'redis://cache:6379/2',
        PULSE_REDIS_PREFIX: 'pulse-eu:',
        PULSE_ADMIN_TOKEN: 'a'.repeat(32),
        PULSE_OIDC_ISSUER: 'https://login.example.com/realms/acme',
        PULSE_OIDC_CLIENT_ID: 'pulse',
        PULSE_OIDC_CLIENT_SECRET: 's3cret',
        PULSE_SESSION_HOURS: '8',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u@db:5432/pulse',
      databaseWaitSeconds: 5,
      dataDir: '/var/pulse',
      simulateRate: 0.5,
      seed: 7,
      demoAccounts: 0,
      coalesceMs: 20,
      publicOrigins: ['https://pulse.example.com', 'http://wall.example.com:8080'],
      maxSubscriptionsPerSocket: 20,
      maxTopics: 300,
      socketQueueBytes: 8 * 1024 * 1024,
      historyRetentionDays: 400,
      logLevel: 'debug',
      redisUrl: 'redis://cache:6379/2',
      redisKeyPrefix: 'pulse-eu:',
      adminToken: 'a'.repeat(32),
      oidc: { issuer: 'https://login.example.com/realms/acme', clientId: 'pulse', clientSecret: 's3cret' },
      sessionHours: 8,
    });
  });

  it.each([
    ['PORT', 'abc', 'PORT must be a whole number, got "abc"'],
    ['PORT', '70000', 'PORT must be between 0 and 65535, got 70000'],
    ['PORT', '3000.5', 'PORT must be a whole number'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must start with postgres://'],
    ['PULSE_DATABASE_WAIT_SECONDS', 'soon', 'PULSE_DATABASE_WAIT_SECONDS must be a whole number, got "soon"'],
    ['PULSE_DATABASE_WAIT_SECONDS', '-1', 'PULSE_DATABASE_WAIT_SECONDS must be between 0 and 86400, got -1'],
    ['PULSE_SIMULATE_RATE', '-1', 'PULSE_SIMULATE_RATE must be between 0 and 10000, got -1'],
    ['PULSE_SIMULATE_RATE', 'fast', 'PULSE_SIMULATE_RATE must be a number, got "fast"'],
    ['PULSE_HISTORY_RETENTION_DAYS', '0', 'PULSE_HISTORY_RETENTION_DAYS must be between 1 and 36500, got 0'],
    ['PULSE_SEED', '-3', 'PULSE_SEED must be between 0'],
    ['PULSE_DEMO_ACCOUNTS', '1e3', 'PULSE_DEMO_ACCOUNTS must be a whole number'],
    ['PULSE_COALESCE_MS', '-5', 'PULSE_COALESCE_MS must be between 0 and 60000'],
    [
      'PULSE_PUBLIC_URL',
      'pulse.example.com',
      'PULSE_PUBLIC_URL must be http(s) URLs separated by commas, got "pulse.example.com"',
    ],
    ['PULSE_PUBLIC_URL', 'https://a.example,ftp://b.example', 'got "ftp://b.example"'],
    ['PULSE_MAX_SUBSCRIPTIONS_PER_SOCKET', '0', 'PULSE_MAX_SUBSCRIPTIONS_PER_SOCKET must be between 1'],
    ['PULSE_MAX_TOPICS', 'many', 'PULSE_MAX_TOPICS must be a whole number'],
    ['PULSE_SOCKET_QUEUE_MB', '0', 'PULSE_SOCKET_QUEUE_MB must be between 1 and 1024'],
    ['REDIS_URL', 'http://cache:6379', 'REDIS_URL must start with redis:// or rediss://'],
    [
      'REDIS_URL',
      'redis://cache:6379',
      'REDIS_URL needs DATABASE_URL: the processes of a cluster share one PostgreSQL',
    ],
    ['PULSE_ADMIN_TOKEN', 'short', 'PULSE_ADMIN_TOKEN must be at least 32 characters, got 5'],
    [
      'PULSE_OIDC_ISSUER',
      'https://login.example.com',
      'PULSE_OIDC_CLIENT_ID, PULSE_OIDC_CLIENT_SECRET must be set with the other PULSE_OIDC_* variables',
    ],
    ['PULSE_SESSION_HOURS', '0', 'PULSE_SESSION_HOURS must be between 1 and 2160'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, verbose, got "loud"'],
  ])('rejects %s=%s naming the variable and the reason', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', PULSE_SEED: 'y' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }).databaseUrl).toBeNull();
  });
});
