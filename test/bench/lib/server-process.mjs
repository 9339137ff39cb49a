import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { BENCH_ADMIN_TOKEN } from './access.mjs';
import { abortSuite, log, onCleanup } from './cleanup.mjs';
import { SERVER_MAIN } from './paths.mjs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
const PAGE_BYTES = 4096;

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Node flags for the server, from PULSE_BENCH_NODE_FLAGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a suite's server (written when it stops).
 */
const SERVER_NODE_FLAGS = (process.env.PULSE_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/**
 * Starts `node server/dist/main.js` as a child process on a free port and waits until
 * /api/health answers 200 (migrated, seeded, scored, listening). Its output goes to our stderr.
 */
export async function startServerProcess({ database, env = {}, startTimeoutMs = 300_000 }) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      PULSE_DATA_DIR: database.dataDir,
      PULSE_SIMULATE_RATE: '0',
      LOG_LEVEL: 'warn',
      PULSE_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : { DATABASE_URL: '' }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk) =>
    process.stderr.write(
      chunk
        .toString()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => `  [server] ${line}\n`)
        .join(''),
    );
  child.stdout.on('data', prefix);
  child.stderr.on('data', prefix);
  let exited = null;
  let stopping = false;
  const exitedPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      if (!stopping) {
        log(`server pid ${child.pid} exited unexpectedly (code ${code}, signal ${signal})`);
        abortSuite(new Error(`server exited unexpectedly (code ${code}, signal ${signal})`));
      }
      resolve(exited);
    }),
  );
  const stop = onCleanup(`server pid ${child.pid}`, async () => {
    stopping = true;
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exitedPromise;
    clearTimeout(timer);
  });
  const url = `http://127.0.0.1:${port}`;
  while (true) {
    if (exited) throw new Error(`server exited during start-up (${JSON.stringify(exited)})`);
    if (performance.now() - started > startTimeoutMs) {
      await stop();
      throw new Error(`server not healthy within ${startTimeoutMs / 1000} s`);
    }
    const healthy = await fetch(`${url}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    await sleep(250);
  }
  const startSeconds = round((performance.now() - started) / 1000, 2);
  log(`server pid ${child.pid} healthy on ${url} after ${startSeconds} s`);
  return {
    url,
    pid: child.pid,
    startSeconds,
    stop,
    get exited() {
      return exited;
    },
  };
}

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
export function readProcess(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return {
    cpuSeconds,
    runQueueSeconds: runQueueSeconds(pid),
    rssBytes: kb('VmRSS') * 1024 || Number(fields[21]) * PAGE_BYTES,
    peakRssBytes: kb('VmHWM') * 1024,
  };
}

/**
 * Seconds the process's threads were ready to run but waited for a CPU (/proc/<pid>/task/<tid>/schedstat,
 * field 2): how much other work on the machine held it back.
 */
function runQueueSeconds(pid) {
  let nanoseconds = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanoseconds += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
    } catch {}
  }
  return nanoseconds / 1e9;
}

/** Samples a process every second: CPU use over the window and its RSS (latest and peak). */
export function sampleProcess(pid) {
  const first = readProcess(pid);
  const startedAt = performance.now();
  let last = first;
  let maxRss = first.rssBytes;
  const timer = setInterval(() => {
    try {
      last = readProcess(pid);
      maxRss = Math.max(maxRss, last.rssBytes);
    } catch {
      clearInterval(timer);
    }
  }, 1000);
  return () => {
    clearInterval(timer);
    try {
      last = readProcess(pid);
    } catch {}
    const seconds = (performance.now() - startedAt) / 1000;
    const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
    return {
      cpuSeconds: round(cpuSeconds, 2),
      cpuCoresAverage: round(cpuSeconds / seconds, 2),
      // Wanted a CPU but waited for one: high values mean the machine, not the server, set the pace.
      waitingForCpuSeconds: round(last.runQueueSeconds - first.runQueueSeconds, 2),
      rssMB: mb(last.rssBytes),
      rssMaxMB: mb(Math.max(maxRss, last.rssBytes)),
    };
  };
}

export const mb = (bytes) => round(bytes / 1024 / 1024, 1);
export const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
