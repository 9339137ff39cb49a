import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { LIVE_NAMESPACE, LiveClient, type LiveClientOptions, type LiveSocket } from '@pulse/protocol';
import pg from 'pg';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { AccessRepository } from '../src/access/access.repository.js';
import { AccessService, SESSION_COOKIE } from '../src/access/access.service.js';
import { startServer } from '../src/app.js';
import type { Clock } from '../src/clock/clock.js';
import { type AppConfig, loadConfig } from '../src/config/app-config.js';
import type { DatabaseDriverName, PulseDatabase } from '../src/database/create-database.js';
import { DATABASE } from '../src/database/database.module.js';

/**
 * PULSE_ADMIN_TOKEN of every test server: the harness's requests and sockets send it, so tests
 * read as an admin unless they sign in as someone else (the access tests do).
 */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

type SocketOverrides = Partial<ManagerOptions & SocketOptions>;

/** The whole server on a fresh database, as `pnpm start` runs it, on a free port. */
export interface TestApp {
  readonly app: NestExpressApplication;
  readonly baseUrl: string;
  readonly database: PulseDatabase;
  readonly config: AppConfig;
  /** GET a path of the API as the admin token; returns status and parsed JSON body. */
  get<T = unknown>(pathAndQuery: string): Promise<{ status: number; body: T }>;
  /** Any request (POST, PUT, raw bodies, headers) as the admin token unless `init` sends its own; status and body, parsed when JSON. */
  request<T = unknown>(pathAndQuery: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  /** fetch() of a path, as the admin token unless `init` sends its own Authorization or cookie. */
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  /** Headers that authenticate as the admin token (for raw HTTP clients). */
  readonly authHeaders: Readonly<Record<string, string>>;
  /** A LiveClient on the server's live socket, authenticated as the admin token. */
  liveClient(options?: LiveClientOptions & { socket?: SocketOverrides }): LiveClient;
  /** A bare socket.io socket on `/live`, authenticated as the admin token unless `auth` is given. */
  socket(options?: SocketOverrides): LiveSocket;
  /**
   * Signs a team member in as the identity provider would (a session on the server): the Cookie
   * header their browser would send, and the CSRF token their writes must carry.
   */
  signInAs(memberId: string): Promise<{ cookie: string; csrfToken: string }>;
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
  /** `clock`: what time the server scores and shows views at (unset: the system clock). */
  { clock }: { clock?: Clock } = {},
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
    adminToken: TEST_ADMIN_TOKEN,
    ...overrides,
  };
  let app: NestExpressApplication;
  try {
    app = await startServer(config, { logger: ['error', 'warn'], clock });
  } catch (error) {
    await location.drop();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  let running = true;
  const authHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const withAuth = (init: RequestInit = {}): RequestInit => {
    const headers = new Headers(init.headers);
    if (!headers.has('authorization') && !headers.has('cookie'))
      headers.set('authorization', authHeaders.authorization);
    return { ...init, headers };
  };
  const pulse: TestApp = {
    get app() {
      return app;
    },
    baseUrl,
    config,
    get database() {
      return app.get<PulseDatabase>(DATABASE);
    },
    authHeaders,
    async get<T>(pathAndQuery: string) {
      const response = await fetch(`${baseUrl}${pathAndQuery}`, withAuth());
      return { status: response.status, body: (await response.json()) as T };
    },
    async request<T>(pathAndQuery: string, init?: RequestInit) {
      const response = await fetch(`${baseUrl}${pathAndQuery}`, withAuth(init));
      const text = await response.text();
      const json = response.headers.get('content-type')?.includes('json');
      return { status: response.status, body: (json ? JSON.parse(text) : text) as T };
    },
    fetch: (pathAndQuery, init) => fetch(`${baseUrl}${pathAndQuery}`, withAuth(init)),
    liveClient: (options = {}) =>
      LiveClient.connect(baseUrl, {
        ...options,
        socket: { auth: { token: TEST_ADMIN_TOKEN }, ...options.socket },
      }),
    socket: (options = {}) =>
      io(`${baseUrl}${LIVE_NAMESPACE}`, {
        transports: ['websocket'],
        forceNew: true,
        auth: { token: TEST_ADMIN_TOKEN },
        ...options,
      }),
    async signInAs(memberId) {
      const member = await app.get(AccessRepository).memberById(memberId);
      if (!member) throw new Error(`no team member ${memberId}`);
      const { sessionId, caller } = await app.get(AccessService).signIn(member, 'test-harness');
      return { cookie: `${SESSION_COOKIE}=${sessionId}`, csrfToken: caller.session!.csrfToken };
    },
    async close() {
      running = false;
      await app.close();
    },
    async start(restartOverrides = {}) {
      app = await startServer({ ...config, ...restartOverrides, port }, { logger: ['error', 'warn'], clock });
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
