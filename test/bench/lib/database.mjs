import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { log, onCleanup } from './cleanup.mjs';

/**
 * Where a suite's data lives: a fresh Postgres database (created from DATABASE_URL's server, dropped
 * afterwards) or, without DATABASE_URL, a fresh PGlite data directory.
 */
export async function freshDatabase(baseUrl, label) {
  if (!baseUrl) {
    const dataDir = await mkdtemp(path.join(tmpdir(), `pulse-bench-${label}-`));
    onCleanup(`data dir ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
    return { kind: 'pglite', databaseUrl: null, dataDir, drop: async () => {} };
  }
  const name = `pulse_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = adminUrl(baseUrl);
  await withClient(admin, (client) => client.query(`create database ${name}`));
  const drop = onCleanup(`database ${name}`, () =>
    withClient(admin, (client) => client.query(`drop database if exists ${name} with (force)`)),
  );
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), `pulse-bench-${label}-`));
  onCleanup(`data dir ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  log(`created database ${name}`);
  return { kind: 'postgres', databaseUrl: url.toString(), dataDir, drop };
}

/** The `postgres` maintenance database on the server of `baseUrl` (where databases are created). */
function adminUrl(baseUrl) {
  const url = new URL(baseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

export async function withClient(connectionString, use) {
  const client = new pg.Client({ connectionString, application_name: 'pulse-bench' });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A pool for the write driver and look-ups; closed on cleanup. */
export function openPool(connectionString, max) {
  const pool = new pg.Pool({ connectionString, max, application_name: 'pulse-bench-writer' });
  pool.on('error', () => {});
  onCleanup('writer pool', () => pool.end());
  return pool;
}

/** Fails early, with the reason, when DATABASE_URL names a server that does not answer. */
export async function checkPostgres(baseUrl) {
  try {
    const version = await withClient(adminUrl(baseUrl), async (client) => {
      const { rows } = await client.query('show server_version');
      return rows[0].server_version;
    });
    return version;
  } catch (error) {
    throw new Error(`DATABASE_URL ${redact(baseUrl)} is not reachable: ${error.message}`);
  }
}

export function redact(connectionString) {
  const url = new URL(connectionString);
  if (url.password) url.password = '***';
  return url.toString();
}
