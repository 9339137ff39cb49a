import { LiveEvents } from '@pulse/protocol';
import { connectLive } from '../lib/access.mjs';
import { log } from '../lib/cleanup.mjs';
import { freshDatabase, openPool } from '../lib/database.mjs';
import { readOrganisation } from '../lib/organisation.mjs';
import { freshReference } from '../lib/reference.mjs';
import { scrapeHistogramTotal } from '../lib/server-metrics.mjs';
import { mb, readProcess, round, sleep, startServerProcess } from '../lib/server-process.mjs';
import { stateHash } from '../lib/state-hash.mjs';

export const BULK_SYNC_DEFAULTS = { accounts: 50_000 };

/**
 * A nightly product-usage sync: today's snapshot for every account (from its latest one, with some
 * movement), all in one statement of one transaction.
 */
const USAGE_SYNC = `
  insert into usage_snapshots (account_id, measured_on, billable_users, active_users_28d,
    git_operation_users, ci_builds, ci_pipelines, scanner_users, scans, scanner_types,
    deploying_users, deployments, successful_deployments, issue_users, epic_users)
  select distinct on (account_id) account_id, current_date, billable_users,
         least(billable_users, round(active_users_28d * (0.85 + random() * 0.3))::int),
         git_operation_users, round(ci_builds * (0.85 + random() * 0.3))::int, ci_pipelines,
         scanner_users, round(scans * (0.85 + random() * 0.3))::int, scanner_types,
         deploying_users, deployments, successful_deployments, issue_users, epic_users
  from usage_snapshots order by account_id, measured_on desc
  on conflict (account_id, measured_on) do update set
    active_users_28d = excluded.active_users_28d, ci_builds = excluded.ci_builds, scans = excluded.scans`;

/** The server's stages (DESIGN.md §1), to tell where a sync's time goes. */
const DATA_PATH_STAGES = {
  commitToFeedRead: 'pulse_change_feed_lag_seconds',
  batch: 'pulse_change_batch_seconds',
  scoring: 'pulse_scoring_seconds',
  commitToPublish: 'pulse_commit_to_publish_seconds',
};

async function scrapeStageTotals(url) {
  const entries = Object.entries(DATA_PATH_STAGES).map(async ([stage, name]) => [
    stage,
    await scrapeHistogramTotal(url, name),
  ]);
  return Object.fromEntries(await Promise.all(entries));
}

/** Seconds each stage took between two scrapes (summed over its observations, counted). */
function stageSecondsBetween(before, after) {
  return Object.fromEntries(
    Object.keys(DATA_PATH_STAGES).map((stage) => [
      stage,
      {
        seconds: round(after[stage].seconds - before[stage].seconds, 2),
        observations: after[stage].count - before[stage].count,
      },
    ]),
  );
}

/** The server's event-loop delay since the previous scrape (prom-client resets it on each). */
async function eventLoopDelay(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const seconds = (name) =>
    Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds ([\\d.e+-]+)$`, 'm').exec(text)?.[1]);
  const ms = (name) => (Number.isFinite(seconds(name)) ? round(seconds(name) * 1000, 1) : null);
  return { p50Ms: ms('p50'), p90Ms: ms('p90'), p99Ms: ms('p99'), maxMs: ms('max') };
}

/** One client per team topic; every delta is noted with its receive time. */
function openClients(url, topics) {
  return topics.map((topic) => {
    const client = connectLive(url, { staleAfterMs: 600_000, ackTimeoutMs: 120_000 });
    const deltas = [];
    const stream = client.subscribe(topic);
    const entry = { topic, client, stream, deltas, ready: null, hashAfterFirstDelta: null };
    // The state as the first delta left it, whichever of the client's listeners runs first.
    const noteFirstState = (view) => {
      if (entry.hashAfterFirstDelta === null && deltas.length > 0 && view.seq === deltas[0].seq)
        entry.hashAfterFirstDelta = stateHash(view.state);
    };
    client.socket.on(LiveEvents.delta, (delta) => {
      if (delta.topic !== topic) return;
      deltas.push({ seq: delta.seq, at: Date.parse(delta.at), received: Date.now() });
      noteFirstState(stream.view);
    });
    stream.onChange(noteFirstState);
    entry.ready = new Promise((resolve, reject) => {
      const settle = (view) => {
        if (view.status === 'error') reject(new Error(`${topic}: ${view.error?.message}`));
        else if (view.state !== undefined && view.status === 'live') resolve();
      };
      stream.onChange(settle);
      settle(stream.view);
    });
    return entry;
  });
}

/**
 * Issue 8's bulk-sync budget: N accounts, a few clients on team views, then one SQL transaction
 * writing a usage snapshot per account. Time from its commit to every client holding the delta,
 * how many deltas each topic took (one: a single coherent step), whether the state after the first
 * delta already is the final one, the server's event-loop delay and CPU meanwhile. PostgreSQL only
 * (the embedded database has no outside writer).
 */
export async function runBulkSync(options) {
  const { accounts } = { ...BULK_SYNC_DEFAULTS, ...options };
  if (!options.databaseUrl) {
    return { database: 'pglite', skipped: 'needs an outside SQL writer: run with DATABASE_URL' };
  }
  const database = await freshDatabase(options.databaseUrl, `bulk${accounts}`);
  log(`bulk-sync: starting a server on ${accounts} accounts (it seeds and scores them first)`);
  const server = await startServerProcess({
    database,
    env: { PULSE_DEMO_ACCOUNTS: String(accounts) },
    startTimeoutMs: 1_800_000,
  });
  const clients = [];
  try {
    const organisation = await readOrganisation(server.url);
    const managers = organisation.members.filter((member) => member.role === 'manager');
    const topics = [
      'team:csm',
      'team:cse',
      'team:csa',
      'team:csm?region=emea',
      'team:cse?segment=enterprise',
      ...managers.slice(0, 1).map((manager) => `team:csm?manager=${manager.id}`),
    ];
    clients.push(...openClients(server.url, topics));
    await Promise.all(clients.map((entry) => entry.ready));
    for (const entry of clients) {
      entry.deltas.length = 0;
      entry.hashAfterFirstDelta = null;
    }
    await sleep(2000);
    const pool = openPool(database.databaseUrl, 1);
    const before = readProcess(server.pid);
    const stagesBefore = await scrapeStageTotals(server.url);
    await eventLoopDelay(server.url); // starts the window
    const connection = await pool.connect();
    let rows;
    let committedAt;
    try {
      await connection.query('begin');
      rows = (await connection.query(USAGE_SYNC)).rowCount;
      await connection.query('commit');
      committedAt = Date.now();
    } finally {
      connection.release();
    }
    log(`bulk-sync: ${rows} usage snapshots committed in one transaction`);
    const deadline = Date.now() + 600_000;
    while (clients.some((entry) => entry.deltas.length === 0) && Date.now() < deadline) await sleep(50);
    const allHaveIt = Date.now();
    const delay = await eventLoopDelay(server.url);
    const after = readProcess(server.pid);
    const stages = stageSecondsBetween(stagesBefore, await scrapeStageTotals(server.url));
    // Any further delta of the sync would arrive now: a coherent step is one delta per topic.
    await sleep(5000);
    const reference = await freshReference(server.url, topics);
    const received = clients.flatMap((entry) => entry.deltas.slice(0, 1));
    const commitAt = received.length > 0 ? Math.min(...received.map((delta) => delta.at)) : null;
    const lastReceived = received.length > 0 ? Math.max(...received.map((delta) => delta.received)) : null;
    return {
      database: database.kind,
      accounts,
      snapshotsWritten: rows,
      clients: clients.length,
      topics,
      everyClientHasIt: clients.every((entry) => entry.deltas.length > 0),
      commitToFirstClientMs:
        commitAt === null ? null : Math.min(...received.map((d) => d.received)) - commitAt,
      commitToEveryClientMs: commitAt === null ? null : lastReceived - commitAt,
      commitReturnedToEveryClientMs: lastReceived === null ? null : lastReceived - committedAt,
      deltasPerTopic: Object.fromEntries(clients.map((entry) => [entry.topic, entry.deltas.length])),
      firstDeltaIsFinalState: clients.every(
        (entry) =>
          entry.hashAfterFirstDelta !== null &&
          entry.hashAfterFirstDelta === reference.expected[entry.topic]?.hash,
      ),
      eventLoopDelayDuringSync: delay,
      // The batch's scoring, and the rest of it (views, publishing) as batch − scoring.
      serverStages: stages,
      server: {
        cpuSecondsDuringSync: round(after.cpuSeconds - before.cpuSeconds, 2),
        waitingForCpuSeconds: round(after.runQueueSeconds - before.runQueueSeconds, 2),
        wallSeconds: round((allHaveIt - committedAt) / 1000, 2),
        rssMB: mb(after.rssBytes),
        peakRssMB: mb(after.peakRssBytes),
      },
    };
  } finally {
    for (const entry of clients) entry.client.close();
    await server.stop();
    await database.drop();
  }
}
