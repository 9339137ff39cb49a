import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { log, onCleanup } from './cleanup.mjs';
import { Histogram } from './histogram.mjs';

const WORKER = fileURLToPath(new URL('../workers/clients.mjs', import.meta.url));

/**
 * Node flags for the client workers, from PULSE_BENCH_CLIENT_NODE_FLAGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the clients' own time goes.
 */
const CLIENT_NODE_FLAGS = (process.env.PULSE_BENCH_CLIENT_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/**
 * Socket.io clients spread over `workers` child processes (so the clients' own CPU is not one
 * event loop's and their receive times stay honest). Each assignment is one client's topic list.
 * `urls` (several Pulse processes of a cluster): worker i connects to `urls[i % urls.length]`.
 */
export async function openFleet({
  url,
  urls = [url],
  assignments,
  workers,
  concurrency = 25,
  readyTimeoutMs = 180_000,
}) {
  const children = [];
  for (let i = 0; i < workers; i += 1) {
    const child = fork(WORKER, [], {
      execArgv: CLIENT_NODE_FLAGS,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    onCleanup(`client worker pid ${child.pid}`, async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    });
    child.on('message', (message) => {
      if (message.type === 'error') log(`client worker ${i}: ${message.message}`);
    });
    children.push(child);
  }
  const ask = (child, message, replyType, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`client worker pid ${child.pid}: no '${replyType}' within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const onMessage = (reply) => {
        if (reply.type !== replyType) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(reply);
      };
      child.on('message', onMessage);
      child.send(message);
    });
  const askAll = (message, replyType, timeoutMs) =>
    Promise.all(children.map((child) => ask(child, message, replyType, timeoutMs)));

  const started = performance.now();
  const shares = children.map((_, i) => assignments.filter((_, index) => index % workers === i));
  const ready = await Promise.all(
    children.map((child, i) =>
      ask(
        child,
        { type: 'open', url: urls[i % urls.length], assignments: shares[i], concurrency, readyTimeoutMs },
        'ready',
        readyTimeoutMs + 10_000,
      ),
    ),
  );
  const opened = {
    clients: sum(ready, 'clients'),
    liveWhenMeasured: sum(ready, 'live'),
    notAllReadyWithin: ready.some((reply) => reply.timedOut) ? readyTimeoutMs / 1000 : null,
    subscriptions: sum(ready, 'streams'),
    refused: sum(ready, 'failed'),
    refusals: Object.assign({}, ...ready.map((reply) => reply.errors)),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  log(`${opened.clients} clients, ${opened.subscriptions} subscriptions live in ${opened.seconds} s`);

  return {
    opened,
    /** Starts recording latencies from now on. */
    arm: () => askAll({ type: 'arm' }, 'armed'),
    /** Merged report of every worker. */
    async report() {
      const reports = await askAll({ type: 'report' }, 'report');
      const histogram = new Histogram();
      const deltaBytes = new Histogram();
      const deltaBytesByKind = new Map();
      for (const report of reports) {
        histogram.merge(report.histogram);
        deltaBytes.merge(report.deltaBytes);
        for (const [kind, sizes] of Object.entries(report.deltaBytesByKind)) {
          if (!deltaBytesByKind.has(kind)) deltaBytesByKind.set(kind, new Histogram());
          deltaBytesByKind.get(kind).merge(sizes);
        }
      }
      return {
        histogram,
        deltaBytes,
        deltaBytesByKind,
        deltas: sum(reports, 'deltas'),
        snapshotsAfterArm: sum(reports, 'snapshotsAfterArm'),
        lastDeltaAt: Math.max(0, ...reports.map((report) => report.lastDeltaAt)),
        firstDeltas: reports.flatMap((report) => report.firstDeltas),
        published: new Set(reports.flatMap((report) => report.published)).size,
        connected: sum(reports, 'connected'),
      };
    },
    /** Every client's state of every topic against `expected` {topic: {hash, epoch, seq}}. */
    async verify(expected) {
      const replies = await askAll({ type: 'verify', expected }, 'verified', 300_000);
      return {
        checked: sum(replies, 'checked'),
        equal: sum(replies, 'equal'),
        mismatches: replies.flatMap((reply) => reply.mismatches).slice(0, 20),
      };
    },
    async close() {
      await Promise.allSettled(children.map((child) => ask(child, { type: 'close' }, 'closed', 10_000)));
      await Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', resolve);
              setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
            }),
        ),
      );
    },
  };
}

const sum = (items, key) => items.reduce((total, item) => total + item[key], 0);
