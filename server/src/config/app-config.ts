import path from 'node:path';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the server reads from its environment, validated once at start-up. */
export interface AppConfig {
  /** HTTP and socket.io port (0 = any free port, used by tests). */
  readonly port: number;
  /** Postgres connection string; null means the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | null;
  /** How long start-up waits for an unreachable PostgreSQL before giving up (0 = one try). */
  readonly databaseWaitSeconds: number;
  /** Absolute directory of the embedded database (and its lock file). */
  readonly dataDir: string;
  /** Simulated fact writes per second of the demo simulator (0 = off). */
  readonly simulateRate: number;
  /** Seed of the deterministic demo organisation. */
  readonly seed: number;
  /** Number of demo accounts seeded on first start (0 = don't seed). */
  readonly demoAccounts: number;
  /** Window in which changes are coalesced into one delta per topic. */
  readonly coalesceMs: number;
  /**
   * Origins the dashboard is served from (PULSE_PUBLIC_URL, comma-separated URLs): only their
   * pages may open the live socket. Empty: the server's own origin only.
   */
  readonly publicOrigins: readonly string[];
  /** Live subscriptions one socket may hold. */
  readonly maxSubscriptionsPerSocket: number;
  /** Distinct live topics one process streams. */
  readonly maxTopics: number;
  /** Bytes queued for one socket before it is cut back to catch-ups (four times this disconnects it). */
  readonly socketQueueBytes: number;
  /** Days a past version of a facts row is kept in the facts history (as-of views reach this far back). */
  readonly historyRetentionDays: number;
  readonly logLevel: LogLevel;
  readonly alerts: AlertsConfig;
  /**
   * Redis of a cluster of Pulse processes (DESIGN.md §9); null: one process, no Redis. Needs
   * DATABASE_URL (the processes share one PostgreSQL).
   */
  readonly redisUrl: string | null;
  /** Prefix of Pulse's Redis keys, so several deployments can share one Redis. */
  readonly redisKeyPrefix: string;
  /** PULSE_ADMIN_TOKEN: accepted as an admin's Bearer token (first setup, scripts); null when unset. */
  readonly adminToken: string | null;
  /** The company's identity provider (PULSE_OIDC_*); null: no single sign-on. */
  readonly oidc: OidcConfig | null;
  /** How long a person's session lasts (PULSE_SESSION_HOURS). */
  readonly sessionHours: number;
}

/** Delivery of alerts (issue 12). */
export interface AlertsConfig {
  /** Whether this process delivers alerts (PULSE_ALERTS_DELIVER; with several, leases keep each send to one). */
  readonly deliver: boolean;
  /** SMTP server for alert e-mail (PULSE_SMTP_URL, smtp:// or smtps://, user and password in it); null: no e-mail. */
  readonly smtpUrl: string | null;
  /** Sender of alert e-mail. */
  readonly mailFrom: string;
  /** Tries before a delivery is given up and its receiver shown as failing. */
  readonly maxAttempts: number;
  /** First retry delay; each next one doubles, with jitter. */
  readonly retryBaseMs: number;
}

export interface OidcConfig {
  /** Issuer URL; its /.well-known/openid-configuration is read at start. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The embedded demo (no DATABASE_URL) lets a visitor pick a persona instead of signing in. */
export function isDemo(config: Pick<AppConfig, 'databaseUrl'>): boolean {
  return config.databaseUrl === null;
}

/** PULSE_ADMIN_TOKEN's minimum length: long enough that guessing it is hopeless. */
export const ADMIN_TOKEN_MIN_LENGTH = 32;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the environment. Collects every problem before failing so a person fixes
 * their configuration in one go.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
      problems.push(`${name} must be a whole number, got "${raw}"`);
      return fallback;
    }
    if (value < min || value > max) {
      problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
      return fallback;
    }
    return value;
  };
  const decimal = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      problems.push(`${name} must be a number, got "${raw}"`);
      return fallback;
    }
    if (value < min || value > max) {
      problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
      return fallback;
    }
    return value;
  };

  const databaseUrl = read('DATABASE_URL') ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const redisUrl = read('REDIS_URL') ?? null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push('REDIS_URL must start with redis:// or rediss://');
  }
  if (redisUrl !== null && databaseUrl === null) {
    problems.push('REDIS_URL needs DATABASE_URL: the processes of a cluster share one PostgreSQL');
  }
  const logLevel = (read('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const publicOrigins: string[] = [];
  for (const entry of (read('PULSE_PUBLIC_URL') ?? '').split(',')) {
    const raw = entry.trim();
    if (raw === '') continue;
    const url = URL.canParse(raw) ? new URL(raw) : null;
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      problems.push(`PULSE_PUBLIC_URL must be http(s) URLs separated by commas, got "${raw}"`);
    } else {
      publicOrigins.push(url.origin);
    }
  }

  const adminToken = read('PULSE_ADMIN_TOKEN') ?? null;
  if (adminToken !== null && adminToken.length < ADMIN_TOKEN_MIN_LENGTH) {
    problems.push(
      `PULSE_ADMIN_TOKEN must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters, got ${adminToken.length}`,
    );
  }
  const oidcNames = ['PULSE_OIDC_ISSUER', 'PULSE_OIDC_CLIENT_ID', 'PULSE_OIDC_CLIENT_SECRET'] as const;
  const [issuer, clientId, clientSecret] = oidcNames.map(read);
  let oidc: OidcConfig | null = null;
  if (issuer !== undefined || clientId !== undefined || clientSecret !== undefined) {
    const missing = oidcNames.filter((name) => read(name) === undefined);
    if (missing.length > 0)
      problems.push(`${missing.join(', ')} must be set with the other PULSE_OIDC_* variables`);
    else if (!URL.canParse(issuer!) || !/^https?:$/.test(new URL(issuer!).protocol)) {
      problems.push(`PULSE_OIDC_ISSUER must be an http(s) URL, got "${issuer}"`);
    } else oidc = { issuer: issuer!, clientId: clientId!, clientSecret: clientSecret! };
  }

  const config: AppConfig = {
    port: integer('PORT', 3000, 0, 65535),
    databaseUrl,
    databaseWaitSeconds: integer('PULSE_DATABASE_WAIT_SECONDS', 60, 0, 86_400),
    dataDir: path.resolve(cwd, read('PULSE_DATA_DIR') ?? './.pulse/data'),
    // The simulator writes demo facts: on by default only on the embedded demo, never on a real database unasked.
    simulateRate: decimal('PULSE_SIMULATE_RATE', databaseUrl ? 0 : 2, 0, 10_000),
    seed: integer('PULSE_SEED', 42, 0, 2 ** 32 - 1),
    demoAccounts: integer('PULSE_DEMO_ACCOUNTS', 300, 0, 1_000_000),
    coalesceMs: integer('PULSE_COALESCE_MS', 50, 0, 60_000),
    publicOrigins,
    maxSubscriptionsPerSocket: integer('PULSE_MAX_SUBSCRIPTIONS_PER_SOCKET', 100, 1, 100_000),
    maxTopics: integer('PULSE_MAX_TOPICS', 1_000, 1, 1_000_000),
    socketQueueBytes: integer('PULSE_SOCKET_QUEUE_MB', 4, 1, 1_024) * 1024 * 1024,
    historyRetentionDays: integer('PULSE_HISTORY_RETENTION_DAYS', 3 * 365, 1, 36_500),
    logLevel: logLevel as LogLevel,
    alerts: {
      deliver: integer('PULSE_ALERTS_DELIVER', 1, 0, 1) === 1,
      smtpUrl: smtpUrl(read('PULSE_SMTP_URL'), problems),
      mailFrom: read('PULSE_ALERT_MAIL_FROM') ?? 'Pulse <pulse@localhost>',
      maxAttempts: integer('PULSE_ALERT_MAX_ATTEMPTS', 8, 1, 100),
      retryBaseMs: integer('PULSE_ALERT_RETRY_BASE_MS', 2_000, 1, 3_600_000),
    },
    redisUrl,
    redisKeyPrefix: read('PULSE_REDIS_PREFIX') ?? 'pulse:',
    adminToken,
    oidc,
    sessionHours: integer('PULSE_SESSION_HOURS', 12, 1, 24 * 90),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function smtpUrl(raw: string | undefined, problems: string[]): string | null {
  if (raw === undefined) return null;
  if (!/^smtps?:\/\/[^/]/.test(raw) || !URL.canParse(raw)) {
    problems.push('PULSE_SMTP_URL must be smtp://[user:password@]host[:port] or smtps://…');
    return null;
  }
  return raw;
}
