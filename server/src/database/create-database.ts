import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { DataDirLock } from './data-dir-lock.js';
import type { Database } from './database.types.js';
import { PGliteDialect } from './pglite/pglite-dialect.js';
import { RESULT_PARSERS } from './type-parsers.js';

export type DatabaseDriverName = 'pg' | 'pglite';

/** Stops listening; resolves once the channel is released. */
export type Unlisten = () => Promise<void>;

export interface PulseDatabase {
  readonly db: Kysely<Database>;
  readonly driver: DatabaseDriverName;
  /**
   * Calls `onNotify` for each NOTIFY on `channel`. On pg this uses a dedicated connection; if it
   * fails or ends, `onLost` is called once and the caller listens again (notifications sent in
   * between are lost, so the caller also re-reads whatever they signal).
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onLost?: (error: Error) => void,
  ): Promise<Unlisten>;
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** pg pool size (default 10). */
  readonly poolSize?: number;
  /** PGlite: how long a query waits for an open transaction before failing (default 60 s). */
  readonly lockTimeoutMs?: number;
}

/** The directory inside PULSE_DATA_DIR that holds PGlite's cluster (the lock file sits beside it). */
export const pgliteClusterDir = (dataDir: string) => path.join(dataDir, 'pgdata');

/** Opens Postgres when DATABASE_URL is set, else the embedded PGlite database in PULSE_DATA_DIR. */
export async function createDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  options: CreateDatabaseOptions = {},
): Promise<PulseDatabase> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, options) : openPGlite(config.dataDir, options);
}

const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    RESULT_PARSERS[oid] ??
    pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

async function openPostgres(
  connectionString: string,
  options: CreateDatabaseOptions,
): Promise<PulseDatabase> {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    types: pgTypes,
    application_name: 'pulse',
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<pg.Client>();

  return {
    db,
    driver: 'pg',
    async listen(channel, onNotify, onLost) {
      const client = new pg.Client({ connectionString, types: pgTypes, application_name: 'pulse-listen' });
      let lost = false;
      const lose = (error: Error) => {
        if (lost) return;
        lost = true;
        listeners.delete(client);
        onLost?.(error);
      };
      client.on('error', lose);
      client.on('end', () => lose(new Error(`LISTEN connection for "${channel}" ended`)));
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(channel)}`);
      listeners.add(client);
      return async () => {
        lost = true;
        listeners.delete(client);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all([...listeners].map((client) => client.end().catch(() => {})));
      listeners.clear();
      await db.destroy();
    },
  };
}

async function openPGlite(dataDir: string, options: CreateDatabaseOptions): Promise<PulseDatabase> {
  const lock = DataDirLock.acquire(dataDir);
  let pglite: PGlite;
  try {
    // pg_trgm: the trigram index of account search (migration 0004).
    pglite = new PGlite(pgliteClusterDir(dataDir), { parsers: RESULT_PARSERS, extensions: { pg_trgm } });
    await pglite.waitReady;
  } catch (error) {
    lock.release();
    throw error;
  }
  const db = new Kysely<Database>({
    dialect: new PGliteDialect(pglite, { lockTimeoutMs: options.lockTimeoutMs }),
  });
  return {
    db,
    driver: 'pglite',
    async listen(channel, onNotify) {
      // In-process: the channel cannot be lost while the database is open.
      return pglite.listen(channel, onNotify);
    },
    async close() {
      try {
        await db.destroy();
      } finally {
        lock.release();
      }
    },
  };
}
