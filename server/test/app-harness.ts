import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { startServer } from '../src/app.js';
import { type AppConfig, loadConfig } from '../src/config/app-config.js';
import type { DatabaseDriverName, PulseDatabase } from '../src/database/create-database.js';
import { DATABASE } from '../src/database/database.module.js';

/** The whole server on a fresh database, as `pnpm start` runs it, on a free port. */
export interface TestApp {
  readonly app: NestExpressApplication;
  readonly baseUrl: string;
  readonly database: PulseDatabase;
  readonly config: AppConfig;
  /** GET a path of the API; returns status and parsed JSON body. */
  get<T = unknown>(pathAndQuery: string): Promise<{ status: number; body: T }>;
  /** Any request (POST, PUT, raw bodies, headers); returns status and the body, parsed when JSON. */
  request<T = unknown>(pathAndQuery: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  /** Stops the server, keeping its database (a restart follows with `start`). */
  close(): Promise<void>;
  /** Starts the server again on the same database and port (with some settings changed, if given). */
  start(overrides?: Partial<AppConfig>): Promise<void>;
  /** Stops the server and deletes its database. */
  stop(): Promise<void>;
}

/** Small demo organisation: seeding and scoring stay quick on the embedded database. */
export const TEST_DEMO_ACCOUNTS = 120;

export async function startTestApp(
  driver: DatabaseDriverName,
  overrides: Partial<AppConfig> = {},
): Promise<TestApp> {
  const location = await createEmptyDatabase(driver);
  const config: AppConfig = {
    ...loadConfig({}),
    port: 0,
    databaseUrl: driver === 'pg' ? location.url : null,
    dataDir: location.dataDir,
    simulateRate: 0,
    demoAccounts: TEST_DEMO_ACCOUNTS,
    coalesceMs: 20,
    logLevel: 'warn',
    ...overrides,
  };
  let app: NestExpressApplication;
  try {
    app = await startServer(config, { logger: ['error', 'warn'] });
  } catch (error) {
    await location.drop();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  let running = true;
  const pulse: TestApp = {
    get app() {
      return app;
    },
    baseUrl,
    config,
    get database() {
      return app.get<PulseDatabase>(DATABASE);
    },
    async get<T>(pathAndQuery: string) {
      const response = await fetch(`${baseUrl}${pathAndQuery}`);
      return { status: response.status, body: (await response.json()) as T };
    },
    async request<T>(pathAndQuery: string, init?: RequestInit) {
      const response = await fetch(`${baseUrl}${pathAndQuery}`, init);
      const text = await response.text();
      const json = response.headers.get('content-type')?.includes('json');
      return { status: response.status, body: (json ? JSON.parse(text) : text) as T };
    },
    async close() {
      running = false;
      await app.close();
    },
    async start(restartOverrides = {}) {
      app = await startServer({ ...config, ...restartOverrides, port }, { logger: ['error', 'warn'] });
      running = true;
    },
    async stop() {
      if (running) await app.close();
      await location.drop();
    },
  };
  return pulse;
}

interface EmptyDatabase {
  /** Postgres URL of a new database, or '' for PGlite. */
  url: string;
  /** PULSE_DATA_DIR for PGlite (a new temporary directory). */
  dataDir: string;
  drop(): Promise<void>;
}

async function createEmptyDatabase(driver: DatabaseDriverName): Promise<EmptyDatabase> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-app-'));
  const removeDir = () => fs.rm(dataDir, { recursive: true, force: true });
  if (driver === 'pglite') return { url: '', dataDir, drop: removeDir };

  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
  const name = `pulse_app_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    async drop() {
      await admin(`drop database if exists ${name} with (force)`);
      await removeDir();
    },
  };
}
