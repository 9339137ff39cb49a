import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { LiveClient } from '@pulse/protocol';
import { Redis } from 'ioredis';
import pg from 'pg';

const SERVER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** The PostgreSQL and Redis on 127.0.0.1 that CI runs; a clear failure when either is missing. */
export const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every process accepts it as an admin's token (PULSE_ADMIN_TOKEN): the tests read as an admin. */
const CLUSTER_ADMIN_TOKEN = 'cluster-admin-token-0123456789abcdefghij';
export const ADMIN_HEADERS = { authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}` };

/** A LiveClient on one process's live socket, signed in with the admin token. */
export function liveClient(url: string, options: Parameters<typeof LiveClient.connect>[1] = {}): LiveClient {
  return LiveClient.connect(url, {
    ...options,
    socket: { auth: { token: CLUSTER_ADMIN_TOKEN }, ...options.socket },
  });
}

export async function requireServices(): Promise<void> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`the cluster tests need Redis at ${REDIS_URL} (set REDIS_URL): ${String(error)}`);
  } finally {
    redis.disconnect();
  }
  const client = new pg.Client(ADMIN_DATABASE_URL);
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `the cluster tests need PostgreSQL at ${ADMIN_DATABASE_URL} (set DATABASE_URL): ${String(error)}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh database on the PostgreSQL server, and a fresh key prefix in Redis. */
export async function freshCluster(): Promise<{
  databaseUrl: string;
  prefix: string;
  drop(): Promise<void>;
}> {
  const name = `pulse_cluster_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client(ADMIN_DATABASE_URL);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  const prefix = `${name}:`;
  return {
    databaseUrl: url.toString(),
    prefix,
    async drop() {
      await admin(`drop database if exists ${name} with (force)`);
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface PulseProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: string[];
  /** Whether it leads, from its /metrics. */
  isLeader(): Promise<boolean>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** `node server/dist/main.js` on a free port, waited for until /api/health/ready answers 200. */
export async function startPulse(env: Record<string, string>): Promise<PulseProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      PULSE_SIMULATE_RATE: '0',
      PULSE_ADMIN_TOKEN: CLUSTER_ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const pulse: PulseProcess = {
    url,
    child,
    output,
    async isLeader() {
      const text = await (await fetch(`${url}/metrics`)).text();
      return /^pulse_leader 1$/m.test(text);
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pulse exited during start-up:\n${output.join('')}`);
    const ready = await fetch(`${url}/api/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return pulse;
    if (Date.now() > deadline) {
      await pulse.kill('SIGKILL');
      throw new Error(`pulse not ready within 60 s:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
