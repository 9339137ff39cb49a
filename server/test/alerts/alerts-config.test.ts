import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/app-config.js';

describe('alert settings from the environment', () => {
  it('reads every variable', () => {
    const config = loadConfig({
      PULSE_ALERTS_DELIVER: '0',
      PULSE_SMTP_URL: 'smtps://pulse:secret@mail.example.com:465',
      PULSE_ALERT_MAIL_FROM: 'CS alerts <cs@example.com>',
      PULSE_ALERT_MAX_ATTEMPTS: '3',
      PULSE_ALERT_RETRY_BASE_MS: '500',
    });
    expect(config.alerts).toEqual({
      deliver: false,
      smtpUrl: 'smtps://pulse:secret@mail.example.com:465',
      mailFrom: 'CS alerts <cs@example.com>',
      maxAttempts: 3,
      retryBaseMs: 500,
    });
  });

  it.each([
    ['PULSE_SMTP_URL', 'mail.example.com', 'PULSE_SMTP_URL must be smtp://[user:password@]host[:port]'],
    ['PULSE_SMTP_URL', 'http://mail.example.com', 'PULSE_SMTP_URL must be smtp://'],
    ['PULSE_ALERTS_DELIVER', 'yes', 'PULSE_ALERTS_DELIVER must be a whole number'],
    ['PULSE_ALERT_MAX_ATTEMPTS', '0', 'PULSE_ALERT_MAX_ATTEMPTS must be between 1 and 100'],
    ['PULSE_ALERT_RETRY_BASE_MS', '-1', 'PULSE_ALERT_RETRY_BASE_MS must be between 1'],
  ])('rejects %s=%s naming the variable and the reason', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
