import { log } from '../lib/cleanup.mjs';
import { openFleet } from '../lib/client-fleet.mjs';
import { freshDatabase, openPool } from '../lib/database.mjs';
import { readOrganisation } from '../lib/organisation.mjs';
import { histogramBetween, scrapeGauge, scrapeHistogram } from '../lib/server-metrics.mjs';
import { mb, readProcess, round, sleep, startServerProcess } from '../lib/server-process.mjs';
import { checkConvergence, waitForQuiet } from './live.mjs';

const HEAP_USED = 'nodejs_heap_size_used_bytes';
const COMMIT_TO_PUBLISH = 'pulse_commit_to_publish_seconds';

export const FANOUT_DEFAULTS = { subscribers: 10_000, topic: 'team:csm', workers: 4, accounts: 300 };

/** Writes that change the CSM view for sure (net ARR of the current quarter), tried in turn. */
const FANOUT_WRITES = [
  `insert into arr_movements (account_id, kind, amount_cents, effective_date, note)
   values ($1, 'expansion', 1234500, current_date, 'fan-out bench')`,
  `insert into timeline_entries (account_id, kind, occurred_at, sentiment, personas, summary)
   values ($1, 'call', now(), 'red', array['executive']::text[], 'fan-out bench')`,
];

/**
 * DESIGN.md §8 "≥ 10,000 clients held by one server process": that many idle subscribers of one
 * topic, then one write; how long until the last of them holds the delta, and the server's memory.
 * On the embedded database the write is the server simulator's next one (1 per second).
 */
export async function runFanout(options) {
  const { subscribers, topic, workers, accounts } = { ...FANOUT_DEFAULTS, ...options };
  const database = await freshDatabase(options.databaseUrl, 'fanout');
  const viaSql = database.kind === 'postgres';
  const server = await startServerProcess({
    database,
    env: { PULSE_DEMO_ACCOUNTS: String(accounts), ...(viaSql ? {} : { PULSE_SIMULATE_RATE: '1' }) },
  });
  try {
    const idle = readProcess(server.pid);
    // RSS keeps the high-water mark of the subscribe storm's buffers; the heap says what stays.
    const heapIdle = await scrapeGauge(server.url, HEAP_USED);
    const organisation = await readOrganisation(server.url);
    log(`fan-out: opening ${subscribers} subscribers of ${topic} over ${workers} workers`);
    const fleet = await openFleet({
      url: server.url,
      assignments: Array.from({ length: subscribers }, () => [topic]),
      workers,
      concurrency: 100,
      readyTimeoutMs: 480_000,
    });
    try {
      await sleep(2000);
      const held = readProcess(server.pid);
      const heapHeld = await scrapeGauge(server.url, HEAP_USED);
      await fleet.arm();
      const publishedBefore = await scrapeHistogram(server.url, COMMIT_TO_PUBLISH);
      const target = organisation.accounts.find((account) => account.owners?.csm) ?? organisation.accounts[0];
      let firstDeltas = [];
      let writesNeeded = 0;
      let writtenAt = null;
      const pool = viaSql ? openPool(database.databaseUrl, 2) : null;
      for (const statement of viaSql ? FANOUT_WRITES : [null]) {
        writesNeeded += 1;
        if (pool) {
          await pool.query(statement, [target.id]);
          writtenAt = Date.now();
        }
        // Until every subscriber has it, or nobody new got it for 10 s (3 minutes at most).
        const waitStarted = performance.now();
        let lastGrowth = performance.now();
        while (performance.now() - waitStarted < 180_000) {
          await sleep(250);
          const count = firstDeltas.length;
          firstDeltas = (await fleet.report()).firstDeltas;
          if (firstDeltas.length >= fleet.opened.liveWhenMeasured) break;
          if (firstDeltas.length > count) lastGrowth = performance.now();
          else if (performance.now() - lastGrowth > (firstDeltas.length > 0 ? 10_000 : 15_000)) break;
        }
        log(`fan-out: ${firstDeltas.length} of ${subscribers} subscribers have the delta`);
        if (firstDeltas.length > 0) break;
      }
      const after = readProcess(server.pid);
      // The server's part: commit → the delta written to every subscriber's socket (the room
      // broadcast is synchronous); the rest of the "last client" time is the clients' own decoding
      // in a few processes sharing the server's cores.
      const published = histogramBetween(
        publishedBefore,
        await scrapeHistogram(server.url, COMMIT_TO_PUBLISH),
        1000,
      );
      if (firstDeltas.length === 0) {
        return {
          database: database.kind,
          subscribers: fleet.opened,
          delivered: 0,
          error: 'no delta arrived',
        };
      }
      const seq = Math.min(...firstDeltas.map(([deltaSeq]) => deltaSeq));
      const ofIt = firstDeltas.filter(([deltaSeq]) => deltaSeq === seq);
      const at = ofIt[0][1];
      const received = ofIt.map(([, , receivedAt]) => receivedAt).sort((a, b) => a - b);
      const pct = (fraction) =>
        received[Math.min(received.length - 1, Math.floor(fraction * received.length))];
      await waitForQuiet(fleet);
      const convergence = viaSql ? await checkConvergence(server.url, [topic], fleet) : null;
      return {
        database: database.kind,
        topic,
        subscribers: fleet.opened,
        writesNeeded,
        delivered: ofIt.length,
        commitToFirstClientMs: received[0] - at,
        commitToHalfMs: pct(0.5) - at,
        commitToP99Ms: pct(0.99) - at,
        commitToLastClientMs: received.at(-1) - at,
        writeReturnedToLastClientMs: writtenAt === null ? null : received.at(-1) - writtenAt,
        serverCommitToPublishMs: published,
        server: {
          startSeconds: server.startSeconds,
          rssIdleMB: mb(idle.rssBytes),
          rssWithSubscribersMB: mb(held.rssBytes),
          rssPerSubscriberKB: round((held.rssBytes - idle.rssBytes) / 1024 / subscribers, 1),
          heapUsedPerSubscriberKB:
            heapIdle === null || heapHeld === null
              ? null
              : round((heapHeld - heapIdle) / 1024 / subscribers, 1),
          rssAfterFanoutMB: mb(after.rssBytes),
          peakRssMB: mb(after.peakRssBytes),
          cpuSecondsDuringFanout: round(after.cpuSeconds - held.cpuSeconds, 2),
          waitingForCpuSecondsDuringFanout: round(after.runQueueSeconds - held.runQueueSeconds, 2),
        },
        convergence,
      };
    } finally {
      await fleet.close();
    }
  } finally {
    await server.stop();
    await database.drop();
  }
}
