import { LiveEvents } from '@pulse/protocol';
import { authedFetch, connectLive } from '../lib/access.mjs';
import { log } from '../lib/cleanup.mjs';
import { freshDatabase } from '../lib/database.mjs';
import { Histogram } from '../lib/histogram.mjs';
import { readOrganisation } from '../lib/organisation.mjs';
import { mb, readProcess, round, sleep, startServerProcess } from '../lib/server-process.mjs';

export const INGEST_DEFAULTS = { seconds: 20, batchRows: 500, inFlight: 2, csvRows: 100_000 };

/** The server's event-loop delay since the previous scrape (prom-client resets it on each). */
async function eventLoopDelay(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const seconds = (name) =>
    Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds ([\\d.e+-]+)$`, 'm').exec(text)?.[1]);
  const ms = (name) => (Number.isFinite(seconds(name)) ? round(seconds(name) * 1000, 1) : null);
  return { p50Ms: ms('p50'), p99Ms: ms('p99'), maxMs: ms('max') };
}

/** One ARR expansion per row, today: each moves its account's ARR, so every batch shows on team views. */
function arrRow(sequence, accountIds, today) {
  return {
    external_id: `bench-${sequence}`,
    account_id: accountIds[sequence % accountIds.length],
    kind: 'expansion',
    amount_cents: 10_000 + (sequence % 997) * 100,
    effective_date: today,
  };
}

/**
 * REST ingest's budget (DESIGN.md §8: ≥ 2,000 facts/s reaching the screens): batches of ARR
 * movements posted back to back (a few in flight) for S seconds, while a client on `team:csm`
 * notes every delta's commit → receipt latency; facts/s counts until that client holds the last
 * batch. Then a 100,000-row CSV file is previewed and committed through the import, with the
 * server's event-loop delay and the number of deltas the commit took (one step: ideally 1).
 */
export async function runIngest(options) {
  const { seconds, batchRows, inFlight, csvRows } = { ...INGEST_DEFAULTS, ...options };
  const database = await freshDatabase(options.databaseUrl, 'ingest');
  const server = await startServerProcess({ database });
  const client = connectLive(server.url, { staleAfterMs: 600_000, ackTimeoutMs: 120_000 });
  try {
    const { accounts } = await readOrganisation(server.url);
    const accountIds = accounts.map((account) => account.id);
    const today = new Date().toISOString().slice(0, 10);
    const deltas = [];
    client.socket.on(LiveEvents.delta, (delta) => {
      if (delta.topic === 'team:csm') deltas.push({ at: Date.parse(delta.at), received: Date.now() });
    });
    const stream = client.subscribe('team:csm');
    while (stream.view.status !== 'live') await sleep(50);
    await sleep(1000);

    log(`ingest: posting ${batchRows}-row batches, ${inFlight} in flight, for ${seconds} s`);
    const requestLatency = new Histogram();
    const before = readProcess(server.pid);
    await eventLoopDelay(server.url);
    const startedAt = Date.now();
    const stopAt = startedAt + seconds * 1000;
    let sequence = 0;
    let written = 0;
    let failures = 0;
    let lastSentAt = startedAt;
    const worker = async () => {
      while (Date.now() < stopAt) {
        const rows = Array.from({ length: batchRows }, () => arrRow(sequence++, accountIds, today));
        const sent = Date.now();
        lastSentAt = Math.max(lastSentAt, sent);
        const response = await authedFetch(`${server.url}/api/ingest/arr_movements`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(rows),
        });
        const body = await response.json();
        requestLatency.record(Date.now() - sent);
        if (response.status === 200) written += body.inserted;
        else failures++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const lastReturnedAt = Date.now();
    // The screens have every batch once a delta covers a commit made after the last batch was sent.
    const deadline = Date.now() + 120_000;
    while (!deltas.some((delta) => delta.at >= lastSentAt) && Date.now() < deadline) await sleep(20);
    const caughtUp = deltas.find((delta) => delta.at >= lastSentAt)?.received ?? null;
    const loopDuringIngest = await eventLoopDelay(server.url);
    const after = readProcess(server.pid);
    const screenLatency = new Histogram();
    for (const delta of deltas)
      if (delta.received >= startedAt) screenLatency.record(delta.received - delta.at);

    log(`ingest: ${written} facts written; now a ${csvRows}-row CSV file`);
    const header = 'external_id,account_id,kind,amount_cents,effective_date';
    const lines = [header];
    for (let n = 0; n < csvRows; n++) {
      const row = arrRow(sequence++, accountIds, today);
      lines.push(
        `${row.external_id},${row.account_id},${row.kind},${row.amount_cents},${row.effective_date}`,
      );
    }
    const csv = `${lines.join('\n')}\n`;
    const importCsv = async (mode) => {
      await eventLoopDelay(server.url);
      const started = Date.now();
      const response = await authedFetch(`${server.url}/api/import/arr_movements?mode=${mode}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv,
      });
      const body = await response.json();
      return {
        status: response.status,
        body,
        ms: Date.now() - started,
        loop: await eventLoopDelay(server.url),
      };
    };
    const preview = await importCsv('preview');
    const deltasBefore = deltas.length;
    const commit = await importCsv('commit');
    const committedAt = Date.now();
    while (deltas.length === deltasBefore && Date.now() < committedAt + 300_000) await sleep(20);
    const firstDelta = deltas[deltasBefore];
    await sleep(5000);
    return {
      database: database.kind,
      accounts: accountIds.length,
      rest: {
        seconds,
        batchRows,
        inFlight,
        factsWritten: written,
        failedRequests: failures,
        factsPerSecondWritten: round(written / ((lastReturnedAt - startedAt) / 1000), 0),
        factsPerSecondToScreen:
          caughtUp === null ? null : round(written / ((caughtUp - startedAt) / 1000), 0),
        lastBatchToScreenMs: caughtUp === null ? null : caughtUp - lastReturnedAt,
        requestMs: requestLatency.summary(),
        commitToScreenMs: screenLatency.summary(),
        eventLoopDelay: loopDuringIngest,
        serverCpuSeconds: round(after.cpuSeconds - before.cpuSeconds, 1),
        serverWaitingForCpuSeconds: round(after.runQueueSeconds - before.runQueueSeconds, 1),
      },
      csvImport: {
        rows: csvRows,
        fileMB: mb(Buffer.byteLength(csv)),
        preview: {
          status: preview.status,
          ms: preview.ms,
          errors: preview.body.errorCount,
          eventLoopDelay: preview.loop,
        },
        commit: {
          status: commit.status,
          ms: commit.ms,
          inserted: commit.body.inserted,
          eventLoopDelay: commit.loop,
          commitToScreenMs: firstDelta ? firstDelta.received - committedAt : null,
          deltasForTheCommit: deltas.length - deltasBefore,
        },
      },
      serverRssMB: mb(readProcess(server.pid).rssBytes),
    };
  } finally {
    client.close();
    await server.stop();
    await database.drop();
  }
}
