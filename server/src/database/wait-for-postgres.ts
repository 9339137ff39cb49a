import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';

/** Start-up cannot use the database: the message is one line for the person who runs Pulse. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

export interface WaitForPostgresOptions {
  /** Give up after this long (0 = one try). */
  readonly waitSeconds: number;
  /** Receives one line per failed attempt. */
  readonly log: (line: string) => void;
  /** First pause between attempts; doubles up to `maxDelayMs`. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
}

/** Errors of a server that is not there yet (starting, restarting, DNS not ready), worth waiting for. */
const TRANSIENT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  // Postgres itself: starting up or shutting down, or out of connection slots.
  '57P03': '',
  '53300': '',
};

/** Waits for DATABASE_URL when it is set (the embedded database is always there). */
export async function waitForConfiguredDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'databaseWaitSeconds'>,
  log: (line: string) => void,
): Promise<void> {
  if (config.databaseUrl)
    await waitForPostgres(config.databaseUrl, { waitSeconds: config.databaseWaitSeconds, log });
}

/**
 * Connects once to DATABASE_URL before anything else uses it, retrying with exponential backoff
 * while the server is unreachable, so Pulse started beside its database (compose, systemd) waits
 * instead of crashing. A plain loop: what it needs (one log line per attempt naming the next
 * delay, an overall deadline, no retry on a wrong password) is all of it.
 * Throws {@link DatabaseUnavailableError} when the deadline passes or the error is not transient.
 */
export async function waitForPostgres(
  connectionString: string,
  options: WaitForPostgresOptions,
): Promise<void> {
  const where = `DATABASE_URL=${redactPassword(connectionString)}`;
  const deadline = Date.now() + options.waitSeconds * 1000;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  for (let delayMs = options.firstDelayMs ?? 1000; ; delayMs = Math.min(delayMs * 2, maxDelayMs)) {
    const problem = await tryConnect(
      connectionString,
      Math.max(1000, Math.min(10_000, deadline - Date.now())),
    );
    if (!problem) return;
    if (!problem.transient)
      throw new DatabaseUnavailableError(`Cannot use the database at ${where}: ${problem.reason}`);
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new DatabaseUnavailableError(
        `Gave up waiting for the database at ${where} after ${options.waitSeconds} s (${problem.reason}); ` +
          'check that it runs and is reachable, or raise PULSE_DATABASE_WAIT_SECONDS',
      );
    }
    const pause = Math.min(delayMs, left);
    options.log(`Waiting for the database at ${where} (${problem.reason}); retrying in ${seconds(pause)}`);
    await sleep(pause);
  }
}

async function tryConnect(
  connectionString: string,
  timeoutMs: number,
): Promise<{ reason: string; transient: boolean } | null> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  // A failed connect also emits 'error'; the rejected promise below is where it is handled.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    await client.end().catch(() => {});
    const { code, message, hostname } = error as NodeJS.ErrnoException & { hostname?: string };
    const known = code ? TRANSIENT_CODES[code] : undefined;
    if (known === undefined) {
      // pg reports its own connect timeout without a code.
      const timedOut = /timeout/i.test(message);
      return { reason: timedOut ? 'no answer in time' : message, transient: timedOut };
    }
    const reason = known === '' ? message : hostname && code === 'ENOTFOUND' ? `${known} ${hostname}` : known;
    return { reason, transient: true };
  }
}

/** The URL as given, with any password replaced: logs and error messages never carry it. */
export function redactPassword(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;
