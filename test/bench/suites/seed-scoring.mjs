import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { log } from '../lib/cleanup.mjs';
import { freshDatabase } from '../lib/database.mjs';
import { REPO_ROOT, SERVER_DIST } from '../lib/paths.mjs';
import { mb, round } from '../lib/server-process.mjs';

export const SEED_DEFAULTS = { sizes: [300], seed: 42, dirtyRuns: 200 };

/** Server modules, loaded from the built dist (Nest's decorators need reflect-metadata first). */
async function loadServer() {
  const serverRequire = createRequire(`${SERVER_DIST}../package.json`);
  serverRequire('reflect-metadata');
  // Nest's logger writes to stdout, which carries only the JSON document: send it to stderr.
  const toStderr = (message, context) => log(`  [${context ?? 'server'}] ${message}`);
  serverRequire('@nestjs/common').Logger.overrideLogger({
    log: toStderr,
    error: toStderr,
    warn: toStderr,
    debug: () => {},
    verbose: () => {},
    fatal: toStderr,
  });
  const dist = (file) => import(pathToFileURL(`${SERVER_DIST}${file}`).href);
  const [
    database,
    migrate,
    seed,
    facts,
    scores,
    scoringPool,
    scoring,
    alertsRepository,
    alertRules,
    alertRaiser,
    clock,
    domain,
  ] = await Promise.all([
    dist('database/create-database.js'),
    dist('database/migrate.js'),
    dist('demo/seed.js'),
    dist('facts/facts.repository.js'),
    dist('scoring/scores.repository.js'),
    dist('scoring/scoring-pool.js'),
    dist('scoring/scoring.service.js'),
    dist('alerts/alerts.repository.js'),
    dist('alerts/alert-rules.cache.js'),
    dist('alerts/alert-raiser.service.js'),
    dist('clock/clock.js'),
    import(pathToFileURL(`${REPO_ROOT}packages/domain/dist/index.js`).href),
  ]);
  return {
    ...database,
    ...migrate,
    ...seed,
    ...facts,
    ...scores,
    ...scoringPool,
    ...scoring,
    ...alertsRepository,
    ...alertRules,
    ...alertRaiser,
    ...clock,
    defaultConfig: domain.defaultConfig,
  };
}

/**
 * Issue 2's closing numbers and DESIGN.md §8 "cold scoring of 50,000 accounts ≤ 30 s; one dirty
 * account ≤ 2 ms of server CPU": for each size, seedDemo into a fresh database, one full
 * ScoringService.scoreAll pass, then the CPU of rescoring one account, averaged over many runs.
 */
export async function runSeedScoring(options) {
  const { sizes, seed, dirtyRuns } = { ...SEED_DEFAULTS, ...options };
  const server = await loadServer();
  const seedResults = {};
  const scoringResults = {};
  for (const accounts of sizes) {
    const database = await freshDatabase(options.databaseUrl, `seed${accounts}`);
    const opened = await server.createDatabase({
      databaseUrl: database.databaseUrl,
      dataDir: database.dataDir,
    });
    try {
      let started = performance.now();
      await server.migrateToLatest(opened.db);
      log(`migrated in ${round((performance.now() - started) / 1000, 2)} s`);
      log(`seed: ${accounts} accounts on ${database.kind}`);
      started = performance.now();
      const seeded = await server.seedDemo(opened.db, { accounts, seed });
      const seedSeconds = (performance.now() - started) / 1000;
      seedResults[accounts] = {
        seconds: round(seedSeconds, 2),
        teamMembers: seeded.teamMembers,
        rows: Object.values(seeded.rows).reduce((sum, n) => sum + n, 0),
        rowsPerSecond: Math.round(Object.values(seeded.rows).reduce((sum, n) => sum + n, 0) / seedSeconds),
      };
      log(`seed: ${accounts} accounts in ${seedResults[accounts].seconds} s`);

      const pool = new server.ScoringPool();
      const facts = new server.FactsRepository(opened.db);
      const alerts = new server.AlertsRepository(opened.db);
      // Scoring as the server wires it: the alert raiser is asked on every save (no rules: no query).
      const scoring = new server.ScoringService(
        facts,
        new server.ScoresRepository(opened.db),
        pool,
        server.defaultConfig,
        new server.AlertRaiser(new server.AlertRulesCache(alerts, facts), alerts),
        server.systemClock,
      );
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      started = performance.now();
      const cpuBefore = process.cpuUsage();
      loopDelay.enable();
      const outcome = await scoring.scoreAll();
      loopDelay.disable();
      const cpu = process.cpuUsage(cpuBefore);
      const fullSeconds = (performance.now() - started) / 1000;
      log(`scoring: ${outcome.accountIds.length} accounts in ${round(fullSeconds, 2)} s`);

      const ids = outcome.accountIds;
      const runs = Math.min(dirtyRuns, ids.length * 4);
      // A dirty account is scored on the main thread, which the full pass (in the pool's threads)
      // never warmed: the first runs include V8 compiling the scoring code. Both are reported; a
      // running server is in the second state after its first few hundred changes.
      const rescoreRuns = async (first) => {
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        for (let run = first; run < first + runs; run += 1) {
          await scoring.scoreAccounts([ids[(run * 7919) % ids.length]]);
        }
        const used = process.cpuUsage(cpuBefore);
        return {
          cpuMs: round((used.user + used.system) / 1000 / runs, 3),
          wallMs: round((performance.now() - started) / runs, 3),
        };
      };
      const firstRuns = await rescoreRuns(0);
      const warmRuns = await rescoreRuns(runs);
      await pool.onModuleDestroy();
      const delayMs = (nanoseconds) => round(nanoseconds / 1e6, 1);
      scoringResults[accounts] = {
        fullPass: {
          seconds: round(fullSeconds, 2),
          accountsPerSecond: Math.round(ids.length / fullSeconds),
          processCpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
          scoringThreads: pool.threads,
          eventLoopDelay: {
            p50Ms: delayMs(loopDelay.percentile(50)),
            p99Ms: delayMs(loopDelay.percentile(99)),
            maxMs: delayMs(loopDelay.max),
          },
        },
        oneDirtyAccount: { runs, ...warmRuns, firstRuns },
        rssAfterMB: mb(process.memoryUsage().rss),
      };
      log(
        `scoring: one dirty account ${scoringResults[accounts].oneDirtyAccount.cpuMs} ms CPU, ` +
          `${scoringResults[accounts].oneDirtyAccount.wallMs} ms wall (first ${runs} runs: ${firstRuns.cpuMs} ms CPU)`,
      );
    } finally {
      await opened.close();
      await database.drop();
    }
  }
  return {
    seed: { database: options.database, seedNumber: seed, bySize: seedResults },
    scoring: {
      database: options.database,
      note:
        options.database === 'pglite'
          ? 'embedded: process CPU includes the PGlite database (same process)'
          : 'process CPU is the Node side only; Postgres works in its own processes',
      bySize: scoringResults,
    },
  };
}
