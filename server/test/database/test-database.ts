import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseDriverName } from '../../src/database/create-database.js';
import {
  type CreateDatabaseOptions,
  createDatabase,
  type PulseDatabase,
} from '../../src/database/create-database.js';
import { migrateToLatest } from '../../src/database/migrate.js';

/** PGlite always; Postgres too when DATABASE_URL points at a server. */
export const TEST_DRIVERS: readonly DatabaseDriverName[] = process.env.DATABASE_URL
  ? ['pglite', 'pg']
  : ['pglite'];

export interface TestDatabase {
  readonly database: PulseDatabase;
  /** PULSE_DATA_DIR (PGlite) or the fresh database's URL (pg). */
  readonly location: string;
  /** Closes the database and deletes it (temporary directory or `drop database`). */
  dispose(): Promise<void>;
}

/** A fresh, empty database: a temporary PGlite directory, or a new database on the Postgres server. */
export async function openEmptyTestDatabase(
  driver: DatabaseDriverName,
  options: CreateDatabaseOptions = {},
): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-test-'));
    const database = await createDatabase({ databaseUrl: null, dataDir }, options);
    return {
      database,
      location: dataDir,
      async dispose() {
        await database.close();
        await fs.rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
  const name = `pulse_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await createDatabase({ databaseUrl: url.toString(), dataDir: '' }, options);
  return {
    database,
    location: url.toString(),
    async dispose() {
      await database.close();
      await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** A fresh database with every migration applied. */
export async function openTestDatabase(
  driver: DatabaseDriverName,
  options: CreateDatabaseOptions = {},
): Promise<TestDatabase> {
  const testDatabase = await openEmptyTestDatabase(driver, options);
  try {
    await migrateToLatest(testDatabase.database.db);
  } catch (error) {
    await testDatabase.dispose();
    throw error;
  }
  return testDatabase;
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
