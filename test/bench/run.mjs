#!/usr/bin/env node
/**
 * `pnpm bench`: measures Pulse against the budgets of DESIGN.md §8 and prints ONE JSON document on
 * stdout (progress on stderr). Runs against the built code (`pnpm build`).
 *
 *   node test/bench/run.mjs [suite ...] [options]      suites: bundle, seed (= scoring), live, fanout,
 *                                                      wall-soak (= wall, only when named); none = all but wall-soak
 *
 * See test/bench/README.md for every option.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { cleanupAll, installExitHandlers, log, suiteAborted } from './lib/cleanup.mjs';
import { checkPostgres, redact } from './lib/database.mjs';
import { requireBuilt } from './lib/paths.mjs';
import { SUITES } from './suites/index.mjs';

const USAGE = `Usage: node test/bench/run.mjs [bundle|seed|scoring|live|live-csm|live-cluster|fanout|bulk-sync|wall-soak|start ...] [options]
  (no suite = all but bulk-sync, wall-soak and start, which run only when named)
  --accounts N     seed: also seed and score N accounts (e.g. 50000, about 8 minutes on 2 cores) besides 300;
                   bulk-sync: accounts synced (default 50000)
  --clients N      live, live-csm, live-cluster: socket.io clients (default 1000)
  --writes W       live: writes per second (default 200; live-csm 50)
  --seconds S      live: seconds of writing (default 30)
  --workers K      client worker processes (default 4)
  --subscribers N  fanout: idle subscribers of one topic (default 10000)
  --minutes M      wall-soak: minutes of headless chromium on the wall view (default 10)
  --deadline M     stop everything after M minutes (default 40, or the soak's minutes + 15)
Environment: DATABASE_URL=postgres://user@host:port/any — each suite creates and drops its own
database on that server; unset = embedded PGlite in temporary directories.`;

function parseOptions(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      accounts: { type: 'string' },
      clients: { type: 'string' },
      writes: { type: 'string' },
      seconds: { type: 'string' },
      workers: { type: 'string' },
      subscribers: { type: 'string' },
      minutes: { type: 'string' },
      deadline: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const positive = (flag) => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${flag} must be a positive number, got "${raw}"`);
    return value;
  };
  const byName = new Map(
    SUITES.flatMap((suite) => [suite.name, ...suite.aliases].map((name) => [name, suite])),
  );
  const unknown = positionals.filter((name) => !byName.has(name));
  if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(', ')}\n${USAGE}`);
  const suites = positionals.length
    ? SUITES.filter((suite) => positionals.some((name) => byName.get(name) === suite))
    : SUITES.filter((suite) => suite.inDefaultRun);
  const databaseUrl = process.env.DATABASE_URL?.trim() || null;
  const extra = positive('accounts');
  const minutes = positive('minutes');
  const seedSizes = [300];
  if (extra !== undefined && extra !== 300) seedSizes.push(Math.round(extra));
  return {
    help: values.help,
    suites,
    databaseUrl,
    database: databaseUrl ? 'postgres' : 'pglite',
    seedSizes,
    accounts: extra === undefined ? undefined : Math.round(extra),
    clients: positive('clients'),
    writes: positive('writes'),
    seconds: positive('seconds'),
    workers: positive('workers'),
    subscribers: positive('subscribers'),
    minutes: minutes === undefined ? undefined : Math.max(1, Math.round(minutes)),
    // A long soak must not be cut by the default deadline.
    deadlineMs: (positive('deadline') ?? Math.max(40, (minutes ?? 0) + 15)) * 60_000,
  };
}

function machine() {
  let openFiles = null;
  try {
    openFiles = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {}
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    openFilesLimit: openFiles,
    // Other work on the machine inflates every number: keep it beside them.
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  installExitHandlers(options.deadlineMs);
  requireBuilt();
  const document = { machine: machine(), database: options.database, startedAt: new Date().toISOString() };
  if (options.databaseUrl) {
    document.postgresVersion = await checkPostgres(options.databaseUrl);
    log(`Postgres ${document.postgresVersion} at ${redact(options.databaseUrl)}`);
  }
  const needsSockets = Math.max(options.subscribers ?? 10_000, options.clients ?? 1_000);
  const opensSockets = options.suites.some((suite) => suite.name === 'live' || suite.name === 'fanout');
  if (
    opensSockets &&
    document.machine.openFilesLimit !== null &&
    document.machine.openFilesLimit < needsSockets + 1_000
  ) {
    log(
      `warning: ulimit -n is ${document.machine.openFilesLimit}; raise it (ulimit -n 65536) for ${needsSockets} sockets`,
    );
  }
  let failed = false;
  for (const suite of options.suites) {
    log(`suite ${suite.name}`);
    const started = performance.now();
    try {
      Object.assign(document, await Promise.race([suite.run(options), suiteAborted()]));
    } catch (error) {
      failed = true;
      log(`suite ${suite.name} failed: ${error?.stack ?? error}`);
      for (const key of suite.produces) document[key] = { error: String(error?.message ?? error) };
      await cleanupAll();
    }
    log(`suite ${suite.name} took ${Math.round((performance.now() - started) / 1000)} s`);
  }
  document.finishedAt = new Date().toISOString();
  document.machine.loadAverageAtEnd = os.loadavg().map((load) => Math.round(load * 100) / 100);
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  return failed ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  log(error?.message ?? String(error));
} finally {
  await cleanupAll();
}
process.exit(code);
