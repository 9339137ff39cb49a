/**
 * Forked by the live and fan-out suites: opens many socket.io clients with @pulse/protocol's
 * LiveClient, records commit → delta latency (receive time − `at`) and answers the parent's
 * questions over IPC. Exits with its parent.
 */
import { LiveEvents } from '@pulse/protocol';
import { connectLive } from '../lib/access.mjs';
import { Histogram } from '../lib/histogram.mjs';
import { stateHash } from '../lib/state-hash.mjs';

/** @type {{client: import('@pulse/protocol').LiveClient, streams: Map<string, import('@pulse/protocol').TopicStream>}[]} */
const clients = [];
let armed = false;
let histogram = new Histogram();
let deltas = 0;
let snapshotsAfterArm = 0;
let lastDeltaAt = 0;
/** `topic|seq` of every delta heard: how many the server published, whatever the fan-out. */
let published = new Set();
/** Size in bytes (JSON) of each published delta, measured on its first receipt only. */
let deltaBytes = new Histogram();
/** The same sizes per kind of topic (team, account, renewals, changes): which screens send big deltas. */
let deltaBytesByKind = new Map();
/** Fan-out: the first delta each client received after arming, per topic: [seq, atMs, receivedMs]. */
let firstDeltas = new Map();

const send = (message) => process.send?.(message);

process.on('disconnect', () => process.exit(0));

process.on('message', async (message) => {
  try {
    switch (message.type) {
      case 'open':
        await open(message);
        break;
      case 'arm':
        armed = true;
        histogram = new Histogram();
        deltas = 0;
        snapshotsAfterArm = 0;
        firstDeltas = new Map();
        published = new Set();
        deltaBytes = new Histogram();
        deltaBytesByKind = new Map();
        send({ type: 'armed' });
        break;
      case 'report':
        send({
          type: 'report',
          histogram: histogram.toJSON(),
          deltas,
          snapshotsAfterArm,
          lastDeltaAt,
          firstDeltas: [...firstDeltas.values()],
          published: [...published],
          deltaBytes: deltaBytes.toJSON(),
          deltaBytesByKind: Object.fromEntries(
            [...deltaBytesByKind].map(([kind, histogram]) => [kind, histogram.toJSON()]),
          ),
          connected: clients.filter(({ client }) => client.socket.connected).length,
        });
        break;
      case 'verify':
        send({ type: 'verified', ...(await verify(message.expected)) });
        break;
      case 'close':
        for (const { client } of clients) client.close();
        send({ type: 'closed' });
        setTimeout(() => process.exit(0), 100);
        break;
    }
  } catch (error) {
    send({ type: 'error', message: error?.stack ?? String(error) });
  }
});

/** Opens one client per assignment (a list of topics), `concurrency` connections at a time. */
async function open({ url, assignments, concurrency, readyTimeoutMs }) {
  const started = performance.now();
  let failed = 0;
  const errors = new Map();
  let next = 0;
  const openOne = async (topics) => {
    const client = connectLive(url, {
      staleAfterMs: 60_000,
      ackTimeoutMs: 30_000,
      socket: { reconnectionDelayMax: 2_000, timeout: 60_000 },
    });
    const index = clients.length;
    client.socket.on(LiveEvents.delta, (delta) => {
      const received = Date.now();
      lastDeltaAt = received;
      if (!armed) return;
      deltas += 1;
      const id = `${delta.topic}|${delta.epoch}|${delta.seq}`;
      if (!published.has(id)) {
        published.add(id);
        const bytes = Buffer.byteLength(JSON.stringify(delta));
        deltaBytes.record(bytes);
        const kind = delta.topic.split(/[:?]/)[0];
        if (!deltaBytesByKind.has(kind)) deltaBytesByKind.set(kind, new Histogram());
        deltaBytesByKind.get(kind).record(bytes);
      }
      histogram.record(received - Date.parse(delta.at));
      const key = `${index}|${delta.topic}`;
      if (!firstDeltas.has(key)) firstDeltas.set(key, [delta.seq, Date.parse(delta.at), received]);
    });
    client.socket.on(LiveEvents.snapshot, () => {
      if (armed) snapshotsAfterArm += 1;
    });
    const streams = new Map(topics.map((topic) => [topic, client.subscribe(topic)]));
    clients.push({ client, streams });
    await Promise.all(
      [...streams.values()].map(
        (stream) =>
          new Promise((resolve) => {
            const settle = (view) => {
              if (view.status === 'error') {
                failed += 1;
                errors.set(view.error?.code ?? 'error', `${view.topic}: ${view.error?.message}`);
              } else if (view.state === undefined || view.status !== 'live') return;
              stop();
              resolve();
            };
            const stop = stream.onChange(settle);
            settle(stream.view);
          }),
      ),
    );
  };
  const lanes = Array.from({ length: Math.min(concurrency, assignments.length) }, async () => {
    while (next < assignments.length) await openOne(assignments[next++]);
  });
  // Past the deadline, measure with the clients that made it (the rest keep trying) and say so.
  let timedOut = false;
  const timeout = new Promise((resolve) =>
    setTimeout(() => {
      timedOut = true;
      resolve();
    }, readyTimeoutMs).unref(),
  );
  await Promise.race([Promise.all(lanes), timeout]);
  const live = clients.filter(({ streams }) =>
    [...streams.values()].every((stream) => stream.view.status === 'live'),
  ).length;
  send({
    type: 'ready',
    timedOut,
    live,
    clients: clients.length,
    streams: clients.reduce((sum, { streams }) => sum + streams.size, 0),
    failed,
    errors: Object.fromEntries(errors),
    seconds: (performance.now() - started) / 1000,
  });
}

/**
 * Compares every client's state of every topic with the expected {topic: {hash, epoch, seq}}.
 * Yields to the event loop between clients so thousands of sockets keep answering pings meanwhile.
 */
async function verify(expected) {
  let checked = 0;
  let equal = 0;
  const mismatches = [];
  for (const [index, { streams }] of clients.entries()) {
    if (index % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    for (const [topic, stream] of streams) {
      const want = expected[topic];
      if (!want) continue;
      checked += 1;
      const view = stream.view;
      const hash = stateHash(view.state);
      if (hash === want.hash && view.seq === want.seq && view.epoch === want.epoch) {
        equal += 1;
      } else if (mismatches.length < 20) {
        mismatches.push({
          topic,
          status: view.status,
          seq: view.seq,
          expectedSeq: want.seq,
          sameEpoch: view.epoch === want.epoch,
          sameState: hash === want.hash,
        });
      }
    }
  }
  return { checked, equal, mismatches };
}
