import { type Delta, LiveClient, LiveEvents, type Snapshot, type SubscribeAck } from '@pulse/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveConfig } from '../../src/live/live.config.js';
import {
  type LiveServer,
  MemoryTopicSource,
  type RawSocket,
  rawSocket,
  sleep,
  startLiveServer,
  waitFor,
} from './live-harness.js';

/**
 * What one hostile or slow socket can cost the server (DESIGN.md §6): the bytes queued for it,
 * its subscriptions, the topics it creates, and what the others pay for it.
 */

let server: LiveServer | undefined;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await server?.close();
  server = undefined;
});

async function start(source: MemoryTopicSource, config: Partial<LiveConfig> = {}): Promise<LiveServer> {
  server = await startLiveServer(source, config);
  return server;
}

function raw(url: string, options: { reconnection?: boolean } = {}) {
  const client = rawSocket(url);
  client.socket.io.opts.reconnection = options.reconnection ?? true;
  cleanups.push(() => client.socket.disconnect());
  return client;
}

function live(url: string): LiveClient {
  const client = LiveClient.connect(url, { socket: { forceNew: true } });
  cleanups.push(() => client.close());
  return client;
}

/** The TCP socket under a socket.io-client socket: pausing it stops reading, like a stalled browser. */
function tcpOf(socket: RawSocket): { pause(): void; resume(): void } {
  const engine = socket.io.engine as unknown as {
    transport: { ws: { _socket: { pause(): void; resume(): void } } };
  };
  return engine.transport.ws._socket;
}

const subscribe = (socket: RawSocket, topic: string): Promise<SubscribeAck> =>
  new Promise((resolve) => socket.emit(LiveEvents.subscribe, { topic }, resolve));

const count = (received: Array<[string, unknown]>, event: string) =>
  received.filter(([name]) => name === event).length;

const MB = 1024 * 1024;

describe('bytes queued for one socket', () => {
  it('stay bounded when a socket that does not read sends 10,000 subscribes for a 171 KB snapshot', async () => {
    const source = new MemoryTopicSource();
    source.write('acc-big', { name: 'Big', region: 'emea', score: 1, notes: 'n'.repeat(171 * 1024) });
    source.write('acc-marker', { name: 'Marker', region: 'amer', score: 1 });
    const { url } = await start(source);
    const { socket, received } = raw(url);
    expect(await subscribe(socket, 'account:acc-big')).toEqual({ ok: true });

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    tcpOf(socket).pause();
    const acks: Array<Promise<SubscribeAck>> = [];
    for (let i = 0; i < 10_000; i += 1) acks.push(subscribe(socket, 'account:acc-big'));
    // Requests are handled in order: once the marker topic loads, all 10,000 have been handled.
    acks.push(subscribe(socket, 'account:acc-marker'));
    await waitFor(() => source.loads.includes('account:acc-marker'), 'every subscribe handled', 60_000);
    await sleep(500);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    tcpOf(socket).resume();
    const answers = await Promise.all(acks);
    const snapshots = count(received, LiveEvents.snapshot);
    const growthMb = (peak - baseline) / MB;
    console.log(
      JSON.stringify({
        test: 'non-reading socket, 10,000 subscribes of a 171 KB snapshot',
        rssBaselineMb: Math.round(baseline / MB),
        rssPeakGrowthMb: Math.round(growthMb),
        snapshotsReceived: snapshots,
      }),
    );
    expect(answers.every((answer) => answer.ok)).toBe(true);
    // Before the gate: 10,000 snapshots (1.7 GB) queued. Now: what fits the 4 MB bound and the
    // kernel's buffers, then one catch-up.
    expect(growthMb).toBeLessThan(150);
    expect(snapshots).toBeLessThan(200);
    expect(socket.connected).toBe(true);
  }, 120_000);

  it('disconnects a socket whose queue does not move past the hard bound', async () => {
    const source = new MemoryTopicSource();
    source.write('acc-big', { name: 'Big', region: 'emea', score: 1, notes: 'n'.repeat(512 * 1024) });
    const { url, hub } = await start(source, {
      coalesceMs: 0,
      ringSize: 4,
      maxQueuedBytes: 256 * 1024,
      maxQueuedMs: 200,
      disconnectQueuedMs: 600,
      lagCheckMs: 20,
    });
    const { socket } = raw(url, { reconnection: false });
    await subscribe(socket, 'account:acc-big');
    let closed = '';
    socket.on('disconnect', (reason) => {
      closed = reason;
    });
    tcpOf(socket).pause();
    // More than the kernel's buffers take, then the queue stops moving.
    for (let i = 0; i < 300; i += 1) {
      hub.publish('account:acc-big', { account: { notes: `${i}${'x'.repeat(512 * 1024)}` } }, new Date());
      await sleep(5);
    }
    tcpOf(socket).resume();
    await waitFor(() => closed !== '', 'the server to close the socket', 10_000);
    expect(socket.connected).toBe(false);
  }, 30_000);

  it('catches a drained socket up with the missed deltas when they are smaller than a snapshot', async () => {
    const source = new MemoryTopicSource();
    // A topic with a large state and small changes, and a filler topic to back the socket up.
    source.write('acc-large', { name: 'Large', region: 'emea', score: 0, notes: 'l'.repeat(MB) });
    source.write('acc-filler', { name: 'Filler', region: 'amer', score: 0, notes: '' });
    const { url, hub } = await start(source, {
      coalesceMs: 0,
      maxQueuedBytes: 256 * 1024,
      disconnectQueuedBytes: 256 * MB,
      lagCheckMs: 20,
    });
    const client = live(url);
    const events: Array<[string, string]> = [];
    client.socket.onAny((event: string, envelope: { topic: string }) => events.push([event, envelope.topic]));
    const large = client.subscribe<{ account: { score: number } }>('account:acc-large');
    const filler = client.subscribe<{ account: { notes: string } }>('account:acc-filler');
    await waitFor(() => large.view.status === 'live' && filler.view.status === 'live', 'live');

    tcpOf(client.socket).pause();
    for (let i = 1; i <= 8; i += 1) {
      hub.publish('account:acc-filler', { account: { notes: `${i}${'f'.repeat(4 * MB)}` } }, new Date());
    }
    for (let score = 1; score <= 50; score += 1) {
      hub.publish('account:acc-large', { account: { score, notes: 'l'.repeat(MB) } }, new Date());
    }
    tcpOf(client.socket).resume();

    await waitFor(() => large.view.state?.account.score === 50, 'large caught up', 20_000);
    await waitFor(
      () => filler.view.state?.account.notes.startsWith('8') === true,
      'filler caught up',
      20_000,
    );
    const on = (event: string, topic: string) =>
      events.filter(([name, key]) => name === event && key === topic).length;
    console.log(
      JSON.stringify({
        test: 'catch-up after a cut-back',
        large: {
          snapshots: on(LiveEvents.snapshot, 'account:acc-large'),
          deltas: on(LiveEvents.delta, 'account:acc-large'),
        },
        filler: {
          snapshots: on(LiveEvents.snapshot, 'account:acc-filler'),
          deltas: on(LiveEvents.delta, 'account:acc-filler'),
        },
      }),
    );
    // The socket was cut back (the filler got a catch-up snapshot instead of its 4 MB deltas)…
    expect(on(LiveEvents.snapshot, 'account:acc-filler')).toBe(2);
    // …and the large topic got its 50 small deltas, not a second 1 MB snapshot.
    expect(on(LiveEvents.snapshot, 'account:acc-large')).toBe(1);
    expect(on(LiveEvents.delta, 'account:acc-large')).toBe(50);
  }, 60_000);

  it('gives a reading client with many topics under writes one snapshot per topic, not a storm', async () => {
    const source = new MemoryTopicSource();
    const TOPICS = 300;
    const ROUNDS = 20;
    for (let i = 0; i < TOPICS; i += 1) source.write(`acc-${i}`, { name: `A${i}`, region: 'emea', score: 0 });
    const { url, hub } = await start(source, { coalesceMs: 0, maxSubscriptionsPerSocket: TOPICS });
    const client = live(url);
    const bytes = { snapshot: 0, delta: 0 };
    const seen = { snapshot: 0, delta: 0 };
    client.socket.onAny((event: string, envelope: unknown) => {
      const kind = event === LiveEvents.snapshot ? 'snapshot' : event === LiveEvents.delta ? 'delta' : null;
      if (!kind) return;
      seen[kind] += 1;
      bytes[kind] += JSON.stringify(envelope).length;
    });
    const streams = Array.from({ length: TOPICS }, (_, i) =>
      client.subscribe<{ account: { score: number } }>(`account:acc-${i}`),
    );
    await waitFor(() => streams.every((s) => s.view.status === 'live'), 'all live', 20_000);

    for (let round = 1; round <= ROUNDS; round += 1) {
      // Every topic changes in the same tick: one batch queues 300 deltas for this socket.
      for (let i = 0; i < TOPICS; i += 1) {
        hub.publish(
          `account:acc-${i}`,
          { account: { id: `acc-${i}`, name: `A${i}`, region: 'emea', score: round } },
          new Date(),
        );
      }
      await sleep(20);
    }
    await waitFor(
      () => streams.every((s) => s.view.state?.account.score === ROUNDS),
      'all caught up',
      30_000,
    );
    console.log(
      JSON.stringify({ test: `${TOPICS} topics × ${ROUNDS} rounds on one reading socket`, seen, bytes }),
    );
    expect(seen.snapshot).toBe(TOPICS);
    expect(seen.delta).toBe(TOPICS * ROUNDS);
  }, 60_000);
});

describe('subscriptions and topics', () => {
  it("refuses a socket's subscriptions past the per-socket cap with too_many_subscriptions, up to the 10,001st", async () => {
    const source = new MemoryTopicSource();
    source.write('acc-1', { name: 'Acme', region: 'emea', score: 1 });
    const { url, hub } = await start(source);
    const { socket } = raw(url);
    const answers = await Promise.all(
      Array.from({ length: 10_001 }, (_, i) => subscribe(socket, `team:cse?owner=tm-${i}`)),
    );
    expect(answers.slice(0, 100).every((answer) => answer.ok)).toBe(true);
    const refused = answers.slice(100);
    expect(refused.every((answer) => !answer.ok && answer.error.code === 'too_many_subscriptions')).toBe(
      true,
    );
    expect(answers[10_000]).toMatchObject({
      ok: false,
      error: { code: 'too_many_subscriptions', message: expect.stringContaining('100 subscriptions') },
    });
    // Refused subscriptions cost nothing: no topic was loaded for them.
    expect(hub.topicKeys).toHaveLength(100);
    expect(source.loads).toHaveLength(100);
    // Giving one back makes room.
    socket.emit(LiveEvents.unsubscribe, { topic: 'team:cse?owner=tm-0' });
    expect(await subscribe(socket, 'team:cse?owner=tm-10000')).toEqual({ ok: true });
  }, 60_000);

  it('refuses a new topic past the per-process cap with too_many_topics, dropping an idle topic first', async () => {
    const source = new MemoryTopicSource();
    source.write('acc-1', { name: 'Acme', region: 'emea', score: 1 });
    const { url, hub } = await start(source, { maxTopics: 3, idleTopicGraceMs: 60_000 });
    const first = raw(url).socket;
    const second = raw(url).socket;
    for (const region of ['emea', 'amer', 'apac']) {
      expect(await subscribe(first, `team:cse?region=${region}`)).toEqual({ ok: true });
    }
    expect(await subscribe(second, 'team:cse?region=pubsec')).toMatchObject({
      ok: false,
      error: { code: 'too_many_topics', message: expect.stringContaining('team:cse?region=pubsec') },
    });
    // A topic someone already streams is shared, so it is not refused.
    expect(await subscribe(second, 'team:cse?region=emea')).toEqual({ ok: true });
    // A topic nobody watches any more (in its grace period) makes room.
    first.emit(LiveEvents.unsubscribe, { topic: 'team:cse?region=amer' });
    await sleep(50);
    expect(await subscribe(second, 'team:cse?region=pubsec')).toEqual({ ok: true });
    expect(hub.topicKeys.sort()).toEqual([
      'team:cse?region=apac',
      'team:cse?region=emea',
      'team:cse?region=pubsec',
    ]);
  });

  it('sends a backed-up socket one catch-up per topic however often it resubscribes', async () => {
    const source = new MemoryTopicSource();
    source.write('acc-1', { name: 'Acme', region: 'emea', score: 1, notes: 'n'.repeat(256 * 1024) });
    const { url } = await start(source, { maxQueuedBytes: 64 * 1024, lagCheckMs: 20 });
    const { socket, received } = raw(url);
    await subscribe(socket, 'account:acc-1');
    tcpOf(socket).pause();
    const acks = Array.from({ length: 300 }, () => subscribe(socket, 'account:acc-1'));
    await sleep(300);
    tcpOf(socket).resume();
    await Promise.all(acks);
    await sleep(200);
    const snapshots = received.filter(([event]) => event === LiveEvents.snapshot) as Array<
      [string, Snapshot]
    >;
    console.log(JSON.stringify({ test: '300 resubscribes while backed up', snapshots: snapshots.length }));
    // 256 KB each: the bound lets a few through before the socket counts as backed up, then one catch-up.
    expect(snapshots.length).toBeLessThan(40);
    expect(received.filter(([event]) => event === LiveEvents.delta) as Array<[string, Delta]>).toEqual([]);
  }, 30_000);
});
