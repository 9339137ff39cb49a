import { log } from '../lib/cleanup.mjs';
import { openFleet } from '../lib/client-fleet.mjs';
import { freshDatabase, openPool } from '../lib/database.mjs';
import { readOrganisation, topicMix } from '../lib/organisation.mjs';
import { freshRedisPrefix, waitForLeader } from '../lib/redis.mjs';
import { freshReference } from '../lib/reference.mjs';
import { histogramBetween, scrapeHistogram } from '../lib/server-metrics.mjs';
import { round, sampleProcess, sleep, startServerProcess } from '../lib/server-process.mjs';
import { driveWrites } from '../lib/writer.mjs';

/** The server's own commit → publish histogram: its part of the latency the clients measure. */
const COMMIT_TO_PUBLISH = 'pulse_commit_to_publish_seconds';
/** The server's stages (DESIGN.md §1), to tell where a commit → publish time goes. */
const DATA_PATH_STAGES = {
  commitToFeedRead: 'pulse_change_feed_lag_seconds',
  batch: 'pulse_change_batch_seconds',
  scoring: 'pulse_scoring_seconds',
};

export const LIVE_DEFAULTS = { clients: 1000, writes: 200, seconds: 30, workers: 4, accounts: 300 };

/** The team view managers and walls watch, under a steady stream of writes to a few accounts. */
export const LIVE_CSM_DEFAULTS = { ...LIVE_DEFAULTS, writes: 50, writtenAccounts: 50 };

/**
 * Who watches what and which accounts the writes land on: `mix` is the screens people keep open
 * (topicMix); `csm` puts every client on `team:csm` and spreads the writes over `writtenAccounts`.
 */
function scenarioOf(name, organisation, clients, writtenAccounts) {
  if (name === 'csm') {
    const written = organisation.accounts.slice(0, writtenAccounts).map((account) => account.id);
    return {
      assignments: Array.from({ length: clients }, () => ['team:csm']),
      topics: ['team:csm'],
      accountIds: written,
      hotIds: written,
    };
  }
  const mix = topicMix(organisation, clients);
  return { ...mix, accountIds: organisation.accounts.map((account) => account.id) };
}

/**
 * Commit → delta latency under load (DESIGN.md §8: 1,000 clients, 200 writes/s, p50 ≤ 60 ms,
 * p99 ≤ 150 ms): a server child process, N clients in K worker processes on a mix of topics, W SQL
 * writes per second for S seconds, then every client's state against a fresh snapshot.
 *
 * Without DATABASE_URL the database lives inside the server process and nothing else can write to
 * it, so writes come from the server's own simulator (PULSE_SIMULATE_RATE = W), which cannot be
 * paused: convergence is then not checked.
 */
export async function runLive(options) {
  const {
    clients,
    writes,
    seconds,
    workers,
    accounts,
    scenario = 'mix',
    writtenAccounts,
    gateways = 1,
  } = {
    ...LIVE_DEFAULTS,
    ...options,
  };
  const database = await freshDatabase(options.databaseUrl, 'live');
  const viaSql = database.kind === 'postgres';
  const env = {
    PULSE_DEMO_ACCOUNTS: String(accounts),
    ...(viaSql ? {} : { PULSE_SIMULATE_RATE: String(writes) }),
  };
  const cluster = gateways > 1 ? await freshRedisPrefix('live') : null;
  const servers = [];
  // Clustered: the first process leads (seeds, scores, publishes), the others follow through Redis.
  servers.push(await startServerProcess({ database, env: { ...env, ...cluster?.env } }));
  if (cluster) await waitForLeader(servers[0].url);
  for (let i = 1; i < gateways; i += 1) {
    servers.push(await startServerProcess({ database, env: { ...env, ...cluster.env } }));
  }
  const server = servers[0];
  try {
    const organisation = await readOrganisation(server.url);
    const { assignments, hotIds, topics, accountIds } = scenarioOf(
      scenario,
      organisation,
      clients,
      writtenAccounts,
    );
    log(`live: opening ${clients} clients over ${workers} workers on ${topics.length} topics`);
    const fleet = await openFleet({ urls: servers.map((one) => one.url), assignments, workers });
    try {
      await sleep(1000); // let subscription work settle before measuring
      await fleet.arm();
      const publishedBefore = await scrapeHistogram(server.url, COMMIT_TO_PUBLISH);
      const stagesBefore = await scrapeStages(server.url);
      const samples = servers.map((one) => sampleProcess(one.pid));
      const started = performance.now();
      const progress = reportProgress(fleet);
      let writer;
      try {
        if (viaSql) {
          log(`live: ${writes} SQL writes/s for ${seconds} s`);
          const pool = openPool(database.databaseUrl, 16);
          writer = await driveWrites({
            pool,
            rate: writes,
            seconds,
            accountIds,
            hotIds,
          });
        } else {
          log(`live: simulator at ${writes} writes/s for ${seconds} s`);
          await sleep(seconds * 1000);
          writer = { via: 'server simulator (PULSE_SIMULATE_RATE)', rate: writes };
        }
      } finally {
        progress.stop();
      }
      const writeSeconds = (performance.now() - started) / 1000;
      const drained = viaSql ? await waitForQuiet(fleet) : null;
      const serverSamples = samples.map((sample) => sample());
      const commitToPublishMs = histogramBetween(
        publishedBefore,
        await scrapeHistogram(server.url, COMMIT_TO_PUBLISH),
        150,
      );
      const stagesAfter = await scrapeStages(server.url);
      const stagesMs = Object.fromEntries(
        Object.keys(DATA_PATH_STAGES).map((stage) => [
          stage,
          histogramBetween(stagesBefore[stage], stagesAfter[stage], 50),
        ]),
      );
      const report = await fleet.report();
      const measuredSeconds = viaSql ? writeSeconds + drained.seconds : writeSeconds;
      const convergence = viaSql
        ? await checkConvergence(server.url, topics, fleet).catch((error) => ({
            converged: false,
            error: error.message,
          }))
        : notChecked();
      return {
        database: database.kind,
        scenario,
        clients: fleet.opened,
        topics: topics.length,
        writer: viaSql ? { via: 'SQL (pg), one autocommitted statement each', ...writer } : writer,
        seconds: round(writeSeconds, 1),
        drain: drained,
        latencyMs: report.histogram.summary(),
        serverCommitToPublishMs: commitToPublishMs,
        serverStagesMs: stagesMs,
        deltaBytes: report.deltaBytes.summary(),
        deltaBytesByTopicKind: Object.fromEntries(
          [...report.deltaBytesByKind].map(([kind, sizes]) => [kind, sizes.summary()]),
        ),
        deltasReceived: report.deltas,
        deltasPerSecond: Math.round(report.deltas / measuredSeconds),
        topicDeltasPublished: report.published,
        snapshotsDuringRun: report.snapshotsAfterArm,
        clientsConnectedAtEnd: report.connected,
        ...(cluster
          ? {
              gateways: servers.map((one, index) => ({
                role: index === 0 ? 'leader' : 'follower',
                startSeconds: one.startSeconds,
                ...serverSamples[index],
              })),
            }
          : { server: { startSeconds: server.startSeconds, ...serverSamples[0] } }),
        convergence,
      };
    } finally {
      await fleet.close();
    }
  } finally {
    for (const one of servers.reverse()) await one.stop();
    await cluster?.drop();
    await database.drop();
  }
}

/**
 * Waits until no client has received a delta for `quietMs`: the pipeline has worked off what was
 * written (`quiet: false` when it was still busy after `maxMs`).
 */
export async function waitForQuiet(fleet, quietMs = 2000, maxMs = 120_000) {
  const started = performance.now();
  let quiet = false;
  while (!quiet && performance.now() - started < maxMs) {
    await sleep(500);
    const { lastDeltaAt } = await fleet.report();
    quiet = Date.now() - lastDeltaAt >= quietMs;
  }
  return { quiet, seconds: round((performance.now() - started) / 1000, 1) };
}

/** Logs the running latency every 5 s, so a long run shows how it is going. */
function reportProgress(fleet) {
  let asking = false;
  const timer = setInterval(async () => {
    if (asking) return; // a busy machine answers slowly: never stack questions
    asking = true;
    const { histogram, deltas } = await fleet.report().catch(() => ({}));
    asking = false;
    if (!histogram) return;
    const { p50, p99, max } = histogram.summary();
    log(`live: ${deltas} deltas so far; latency p50 ${p50} ms, p99 ${p99} ms, max ${max} ms`);
  }, 5000);
  return { stop: () => clearInterval(timer) };
}

/** Every client's state of every topic deep-equals a fresh snapshot (and the REST view where one exists). */
export async function checkConvergence(url, topics, fleet) {
  const { expected, rest, stateBytes } = await freshReference(url, topics);
  const clients = await fleet.verify(expected);
  const converged = clients.checked > 0 && clients.equal === clients.checked;
  log(`convergence: ${clients.equal}/${clients.checked} client topics equal a fresh snapshot`);
  return {
    converged,
    clientTopicsChecked: clients.checked,
    clientTopicsEqual: clients.equal,
    mismatches: clients.mismatches,
    restViews: rest,
    largestStateBytes: Math.max(...Object.values(stateBytes)),
  };
}

const notChecked = () => ({
  converged: null,
  reason: 'embedded database: the simulator keeps writing, so there is no quiet point to compare at',
});

async function scrapeStages(url) {
  const entries = await Promise.all(
    Object.entries(DATA_PATH_STAGES).map(async ([stage, name]) => [stage, await scrapeHistogram(url, name)]),
  );
  return Object.fromEntries(entries);
}
