import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

/** The built server, started as `pnpm start` does (the tests spawn it: exit code and output are the point). */
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

interface Run {
  readonly child: ChildProcess;
  /** stdout and stderr so far, without colours. */
  output(): string;
  readonly exited: Promise<number | null>;
}

const runs: Run[] = [];
const cleanups: Array<() => Promise<void>> = [];

function startBuiltServer(env: Record<string, string>): Run {
  if (!existsSync(MAIN)) throw new Error(`No server build at ${MAIN}: run pnpm build first`);
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', PORT: '0', PULSE_SIMULATE_RATE: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run = { child, output: () => output, exited };
  runs.push(run);
  return run;
}

async function waitForOutput(run: Run, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const match = run.output().match(pattern);
    if (match) return match;
    if (run.child.exitCode !== null || Date.now() > until) {
      throw new Error(`no ${pattern} in the server's output:\n${run.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.exitCode === null) run.child.kill('SIGTERM');
    await run.exited;
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('start-up while the database is unreachable', () => {
  it('logs one waiting line per attempt, then exits 1 with one clear line and no stack trace', async () => {
    const port = await closedPort();
    const run = startBuiltServer({
      DATABASE_URL: `postgres://pulse:s3cret@127.0.0.1:${port}/pulse`,
      PULSE_DATABASE_WAIT_SECONDS: '3',
    });
    expect(await run.exited).toBe(1);
    const lines = run.output().trim().split('\n');
    const where = `DATABASE_URL=postgres://pulse:***@127.0.0.1:${port}/pulse`;
    const waiting = lines.filter((line) =>
      line.includes(`Waiting for the database at ${where} (connection refused); retrying in`),
    );
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toBe(
      `Gave up waiting for the database at ${where} after 3 s (connection refused); check that it runs and is reachable, or raise PULSE_DATABASE_WAIT_SECONDS`,
    );
    expect(lines).toHaveLength(waiting.length + 1);
    expect(run.output()).not.toContain('s3cret');
    expect(run.output()).not.toMatch(/^\s+at /m);
  }, 30_000);

  it.runIf(process.env.DATABASE_URL)(
    'comes up once the database becomes reachable',
    async () => {
      const adminUrl = process.env.DATABASE_URL ?? '';
      const name = `pulse_wait_${randomBytes(6).toString('hex')}`;
      const admin = async (statement: string) => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        await client.query(statement).finally(() => client.end());
      };
      await admin(`create database ${name}`);
      cleanups.push(() => admin(`drop database if exists ${name} with (force)`));
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-wait-'));
      cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));

      // The "database" is a TCP relay to the real server that is not listening yet.
      const target = new URL(adminUrl);
      const relayPort = await closedPort();
      const relayUrl = new URL(adminUrl);
      relayUrl.host = `127.0.0.1:${relayPort}`;
      relayUrl.pathname = `/${name}`;
      const run = startBuiltServer({
        DATABASE_URL: relayUrl.toString(),
        PULSE_DATABASE_WAIT_SECONDS: '60',
        PULSE_DEMO_ACCOUNTS: '5',
        PULSE_DATA_DIR: dataDir,
      });
      await waitForOutput(run, /Waiting for the database at .*connection refused/, 15_000);

      const sockets = new Set<net.Socket>();
      const relay = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => {});
          socket.on('close', () => sockets.delete(socket));
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => relay.listen(relayPort, '127.0.0.1', resolve));
      cleanups.push(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => relay.close(resolve));
      });

      const [, port] = await waitForOutput(run, /Dashboard on http:\/\/localhost:(\d+)/, 60_000);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        database: { driver: 'pg', reachable: true },
      });
    },
    90_000,
  );
});

describe('start-up on an embedded database another process holds', () => {
  it('exits 1 with one line naming the directory and the holder, no stack trace', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-locked-'));
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const first = startBuiltServer({ PULSE_DATA_DIR: dataDir, PULSE_DEMO_ACCOUNTS: '5' });
    await waitForOutput(first, /Dashboard on http:\/\/localhost:\d+/, 60_000);

    const second = startBuiltServer({ PULSE_DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    const lines = second.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`The embedded database in ${dataDir} is in use by process ${first.child.pid}`);
    expect(second.output()).not.toMatch(/^\s+at /m);
  }, 90_000);
});
