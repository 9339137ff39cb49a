import { BULK_SYNC_DEFAULTS, runBulkSync } from './bulk-sync.mjs';
import { runBundle } from './bundle.mjs';
import { FANOUT_DEFAULTS, runFanout } from './fanout.mjs';
import { INGEST_DEFAULTS, runIngest } from './ingest.mjs';
import { LIVE_CSM_DEFAULTS, LIVE_DEFAULTS, runLive } from './live.mjs';
import { runSeedScoring } from './seed-scoring.mjs';
import { runStart } from './start.mjs';
import { runWallSoak, WALL_SOAK_DEFAULTS } from './wall-soak.mjs';

/**
 * The suites of `pnpm bench`, in the order a full run takes them. Each `run(options)` resolves to
 * an object merged into the printed JSON document (its keys are listed in `produces`).
 *
 * To add a suite: write
 * `suites/<name>.mjs` exporting an async function of the parsed options (see run.mjs: databaseUrl,
 * database, seconds, …) that starts what it needs, registers undos with lib/cleanup.mjs#onCleanup
 * and returns e.g. `{bundle: {...}}`; then add an entry here. `inDefaultRun: false` keeps a slow
 * suite out of `pnpm bench` unless it is named (`pnpm bench wall`).
 */
export const SUITES = [
  {
    name: 'bundle',
    aliases: [],
    produces: ['bundle'],
    inDefaultRun: true,
    run: async () => runBundle(),
  },
  {
    name: 'seed',
    aliases: ['scoring'],
    produces: ['seed', 'scoring'],
    inDefaultRun: true,
    run: (options) =>
      runSeedScoring({
        sizes: options.seedSizes,
        databaseUrl: options.databaseUrl,
        database: options.database,
      }),
  },
  {
    name: 'live',
    aliases: [],
    produces: ['live'],
    inDefaultRun: true,
    run: async (options) => ({
      live: await runLive({
        databaseUrl: options.databaseUrl,
        clients: options.clients ?? LIVE_DEFAULTS.clients,
        writes: options.writes ?? LIVE_DEFAULTS.writes,
        seconds: options.seconds ?? LIVE_DEFAULTS.seconds,
        workers: options.workers ?? LIVE_DEFAULTS.workers,
      }),
    }),
  },
  {
    name: 'live-csm',
    aliases: ['csm'],
    produces: ['liveCsm'],
    inDefaultRun: true,
    run: async (options) => ({
      liveCsm: await runLive({
        scenario: 'csm',
        databaseUrl: options.databaseUrl,
        clients: options.clients ?? LIVE_CSM_DEFAULTS.clients,
        writes: options.writes ?? LIVE_CSM_DEFAULTS.writes,
        seconds: options.seconds ?? LIVE_CSM_DEFAULTS.seconds,
        workers: options.workers ?? LIVE_CSM_DEFAULTS.workers,
        writtenAccounts: LIVE_CSM_DEFAULTS.writtenAccounts,
      }),
    }),
  },
  {
    name: 'live-cluster',
    aliases: ['cluster'],
    produces: ['liveCluster'],
    inDefaultRun: true,
    // The live suite's run with its clients split over two Pulse processes on Redis (DESIGN.md §9).
    run: async (options) => ({
      liveCluster: options.databaseUrl
        ? await runLive({
            databaseUrl: options.databaseUrl,
            gateways: 2,
            clients: options.clients ?? LIVE_DEFAULTS.clients,
            writes: options.writes ?? LIVE_DEFAULTS.writes,
            seconds: options.seconds ?? LIVE_DEFAULTS.seconds,
            workers: options.workers ?? LIVE_DEFAULTS.workers,
          })
        : {
            skipped:
              'a cluster shares one PostgreSQL: set DATABASE_URL (and REDIS_URL, default the local Redis)',
          },
    }),
  },
  {
    name: 'fanout',
    aliases: [],
    produces: ['fanout'],
    inDefaultRun: true,
    run: async (options) => ({
      fanout: await runFanout({
        databaseUrl: options.databaseUrl,
        subscribers: options.subscribers ?? FANOUT_DEFAULTS.subscribers,
        workers: options.workers ?? FANOUT_DEFAULTS.workers,
      }),
    }),
  },
  {
    name: 'ingest',
    aliases: ['import'],
    produces: ['ingest'],
    inDefaultRun: true,
    run: async (options) => ({
      ingest: await runIngest({
        databaseUrl: options.databaseUrl,
        seconds: options.seconds ?? INGEST_DEFAULTS.seconds,
      }),
    }),
  },
  {
    // Seeds and scores 50,000 accounts first (several minutes): only when named.
    name: 'bulk-sync',
    aliases: ['bulk'],
    produces: ['bulkSync'],
    inDefaultRun: false,
    run: async (options) => ({
      bulkSync: await runBulkSync({
        databaseUrl: options.databaseUrl,
        accounts: options.accounts ?? BULK_SYNC_DEFAULTS.accounts,
      }),
    }),
  },
  {
    // Clones, installs and starts Pulse twice (a minute or more): only when named. Measures the
    // committed HEAD in its own clone.
    name: 'start',
    aliases: [],
    produces: ['start'],
    inDefaultRun: false,
    run: () => runStart(),
  },
  {
    // At least 10 minutes of a headless browser: only when named (`run.mjs wall-soak --minutes 10`).
    name: 'wall-soak',
    aliases: ['wall'],
    produces: ['wallSoak'],
    inDefaultRun: false,
    run: (options) =>
      runWallSoak({
        databaseUrl: options.databaseUrl,
        minutes: options.minutes ?? WALL_SOAK_DEFAULTS.minutes,
      }),
  },
];
