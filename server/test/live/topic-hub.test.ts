import {
  type Delta,
  LiveClient,
  LiveEvents,
  parseTopic,
  type Snapshot,
  type SubscribeAck,
} from '@pulse/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TopicLoadError } from '../../src/live/topic-source.js';
import {
  type LiveServer,
  MemoryTopicSource,
  type RawSocket,
  rawSocket,
  sleep,
  startLiveServer,
  waitFor,
} from './live-harness.js';

const TEAM = 'team:cse';
const EMEA = 'team:cse?region=emea';

const fresh = (source: MemoryTopicSource, key: string) => {
  const parsed = parseTopic(key);
  if (!parsed.ok) throw new Error(key);
  return JSON.parse(JSON.stringify(source.compute(parsed.topic)));
};

const subscribe = (socket: RawSocket, payload: unknown): Promise<SubscribeAck> =>
  new Promise((resolve) =>
    (socket.emit as (...args: unknown[]) => void)(LiveEvents.subscribe, payload, resolve),
  );

const envelopes = <T>(received: Array<[string, unknown]>, event: string) =>
  received.filter(([name]) => name === event).map(([, payload]) => payload as T);

describe('TopicHub over real sockets', () => {
  let source: MemoryTopicSource;
  let server: LiveServer;
  const cleanups: Array<() => unknown> = [];

  beforeEach(async () => {
    source = new MemoryTopicSource();
    source.write('acc-1', { name: 'Acme', region: 'emea', score: 70 });
    source.write('acc-2', { name: 'Globex', region: 'amer', score: 40 });
    server = await startLiveServer(source, { coalesceMs: 30, heartbeatMs: 200, idleTopicGraceMs: 200 });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await server.close();
  });

  const raw = () => {
    const client = rawSocket(server.url);
    cleanups.push(() => client.socket.disconnect());
    return client;
  };
  const liveClient = (options = {}) => {
    const client = LiveClient.connect(server.url, { socket: { forceNew: true }, ...options });
    cleanups.push(() => client.close());
    return client;
  };

  it('answers a subscribe with a snapshot of the canonical topic, then an ok acknowledgement', async () => {
    const { socket, received } = raw();
    const ack = await subscribe(socket, { topic: 'team:cse?tier=&region=emea' });
    expect(ack).toEqual({ ok: true });
    const [snapshot] = envelopes<Snapshot>(received, LiveEvents.snapshot);
    expect(snapshot).toMatchObject({ topic: EMEA, seq: 0, state: fresh(source, EMEA) });
    expect(Object.keys((snapshot!.state as { accounts: object }).accounts)).toEqual(['acc-1']);
  });

  const refusals: Array<[payload: unknown, code: string]> = [
    ['team:cse', 'invalid_payload'],
    [null, 'invalid_payload'],
    [{}, 'invalid_payload'],
    [{ topic: 7 }, 'invalid_payload'],
    [{ topic: TEAM, since: { epoch: '', seq: 1 } }, 'invalid_payload'],
    [{ topic: TEAM, since: { epoch: 'e', seq: -1 } }, 'invalid_payload'],
    [{ topic: TEAM, since: { epoch: 'e', seq: 1.5 } }, 'invalid_payload'],
    [{ topic: 'weather' }, 'unknown_topic'],
    [{ topic: 'team:cse?region=mars' }, 'invalid_topic'],
    [{ topic: 'account:acc-404' }, 'not_found'],
  ];
  it.each(refusals)('refuses %j with %s, and the socket keeps working', async (payload, code) => {
    const { socket, received } = raw();
    const ack = await subscribe(socket, payload);
    expect(ack).toMatchObject({ ok: false, error: { code } });
    expect(ack.ok === false && ack.error.message.length).toBeGreaterThan(5);
    expect(received).toEqual([]);
    expect(await subscribe(socket, { topic: TEAM })).toEqual({ ok: true });
  });

  it('reports a failing source as an internal error without leaking its message', async () => {
    source.failWith = new Error('connection refused by 10.0.0.7');
    const { socket } = raw();
    const ack = await subscribe(socket, { topic: TEAM });
    expect(ack).toEqual({
      ok: false,
      error: { code: 'internal', message: 'topic team:cse could not be loaded' },
    });
    source.failWith = new TopicLoadError('forbidden', 'not your book');
    expect(await subscribe(socket, { topic: 'changes' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('sends ordered deltas that rebuild the fresh state, reloading only affected watched topics', async () => {
    const client = liveClient();
    const all = client.subscribe(TEAM);
    const emea = client.subscribe(EMEA);
    const acc2 = client.subscribe('account:acc-2');
    await waitFor(() => [all, emea, acc2].every((s) => s.view.status === 'live'), 'three live topics');
    source.loads.length = 0;

    await server.hub.onBatch(source.write('acc-2', { name: 'Globex', region: 'amer', score: 55 }));
    expect(source.loads.sort()).toEqual(['account:acc-2', TEAM]);
    await waitFor(() => all.view.seq === 1 && acc2.view.seq === 1, 'deltas');
    expect(all.view.state).toEqual(fresh(source, TEAM));
    expect(acc2.view.state).toEqual(fresh(source, 'account:acc-2'));
    expect(emea.view.seq).toBe(0);
    // An unwatched account costs nothing.
    source.loads.length = 0;
    await server.hub.onBatch(source.write('acc-9', { name: 'Initech', region: 'apac', score: 10 }));
    expect(source.loads).toEqual([TEAM]);
  });

  it('publishes nothing when a reload changes nothing', async () => {
    const { socket, received } = raw();
    await subscribe(socket, { topic: TEAM });
    await server.hub.onBatch(source.write('acc-1', { name: 'Acme', region: 'emea', score: 70 }));
    await sleep(80);
    expect(envelopes(received, LiveEvents.delta)).toEqual([]);
  });

  it('coalesces a burst into the first change plus one delta with the latest state', async () => {
    const { socket, received } = raw();
    await subscribe(socket, { topic: 'account:acc-1' });
    for (let score = 71; score <= 80; score += 1) {
      await server.hub.onBatch(source.write('acc-1', { name: 'Acme', region: 'emea', score }));
    }
    await waitFor(() => envelopes<Delta>(received, LiveEvents.delta).at(-1)?.ops.length === 1, 'last delta');
    await sleep(60);
    const deltas = envelopes<Delta>(received, LiveEvents.delta);
    expect(deltas.map((d) => d.seq)).toEqual([1, 2]);
    expect(deltas[1]!.ops).toEqual([{ op: 'replace', path: '/account/score', value: 80 }]);
  });

  it('replays missed deltas after `since` when the ring still holds them', async () => {
    const client = liveClient();
    const stream = client.subscribe(TEAM);
    await waitFor(() => stream.view.status === 'live', 'live');
    const { epoch, seq } = stream.view;
    client.close();
    // Another screen stays on the topic: each publish is awaited there, so none coalesce however slow the machine.
    const watcher = liveClient();
    const watched = watcher.subscribe(TEAM);
    await waitFor(() => watched.view.status === 'live', 'watcher live');
    for (const score of [1, 2, 3]) {
      server.hub.publish(TEAM, { accounts: { 'acc-1': { score } } }, new Date());
      await waitFor(() => watched.view.seq === seq + score, `delta ${score} published`);
    }
    watcher.close();
    const { socket, received } = raw();
    expect(await subscribe(socket, { topic: TEAM, since: { epoch, seq } })).toEqual({ ok: true });
    expect(received.map(([event]) => event)).toEqual([LiveEvents.delta, LiveEvents.delta, LiveEvents.delta]);
    expect(envelopes<Delta>(received, LiveEvents.delta).map((d) => d.seq)).toEqual([1, 2, 3]);
  });

  it('sends a snapshot, never a partial replay, when the ring lost part of the tail or the epoch differs', async () => {
    await server.close();
    server = await startLiveServer(source, { coalesceMs: 0, ringSize: 2, idleTopicGraceMs: 10_000 });
    const first = raw();
    await subscribe(first.socket, { topic: TEAM });
    const { epoch } = envelopes<Snapshot>(first.received, LiveEvents.snapshot)[0]!;
    for (const score of [1, 2, 3]) server.hub.publish(TEAM, { accounts: { x: { score } } }, new Date());

    const cases: Array<[since: { epoch: string; seq: number }, expected: string[]]> = [
      [{ epoch, seq: 0 }, [LiveEvents.snapshot]], // needs 1..3, ring holds 2..3
      [{ epoch, seq: 1 }, [LiveEvents.delta, LiveEvents.delta]],
      [{ epoch, seq: 3 }, []],
      [{ epoch, seq: 9 }, [LiveEvents.snapshot]],
      [{ epoch: 'another-epoch', seq: 3 }, [LiveEvents.snapshot]],
    ];
    for (const [since, expected] of cases) {
      const { socket, received } = raw();
      await subscribe(socket, { topic: TEAM, since });
      expect(
        received.map(([event]) => event),
        JSON.stringify(since),
      ).toEqual(expected);
    }
  });

  it('sends position heartbeats; a client that missed the last delta notices and converges', async () => {
    const { socket, received } = raw();
    await subscribe(socket, { topic: TEAM });
    await waitFor(() => envelopes(received, LiveEvents.position).length >= 2, 'two heartbeats');
    expect(envelopes(received, LiveEvents.position)[0]).toMatchObject({ topic: TEAM, seq: 0 });

    // A client that silently loses one delta (its last): only a heartbeat can reveal it.
    const client = liveClient({ staleAfterMs: 10_000 });
    const stream = client.subscribe(TEAM);
    await waitFor(() => stream.view.status === 'live', 'live');
    client.socket.off(LiveEvents.delta);
    let lost = 0;
    client.socket.on(LiveEvents.delta, (delta) => {
      if (lost++ > 0) stream.receiveDelta(delta);
    });
    await server.hub.onBatch(source.write('acc-3', { name: 'Umbrella', region: 'apac', score: 90 }));
    await waitFor(() => stream.view.seq === 1, 'resubscribed after a heartbeat ahead', 3_000);
    expect(stream.view.state).toEqual(fresh(source, TEAM));
  });

  it('keeps every topic of a quiet screen live with heartbeats, not only the first', async () => {
    // A wall: several topics on one socket and nothing changing for longer than the stale limit.
    const client = liveClient({ staleAfterMs: 1_000 });
    const topics = [TEAM, EMEA, 'account:acc-1', 'account:acc-2'];
    const streams = topics.map((topic) => client.subscribe(topic));
    await waitFor(() => streams.every((stream) => stream.view.status === 'live'), 'live');
    const heard = new Set<string>();
    client.socket.on(LiveEvents.position, (position) => heard.add(position.topic));
    await sleep(2_500);
    expect([...heard].sort()).toEqual([...topics].sort());
    expect(streams.map((stream) => stream.view.status)).toEqual(topics.map(() => 'live'));
    client.close();
  });

  it('resubscribes every topic after a lost connection and converges', async () => {
    const client = liveClient({ socket: { forceNew: true, reconnectionDelay: 50 } });
    const all = client.subscribe(TEAM);
    const acc1 = client.subscribe('account:acc-1');
    await waitFor(() => all.view.status === 'live' && acc1.view.status === 'live', 'live');
    client.socket.io.engine.close();
    await waitFor(() => all.view.status === 'offline', 'offline');
    await server.hub.onBatch(source.write('acc-1', { name: 'Acme', region: 'emea', score: 12 }));
    await waitFor(() => all.view.status === 'live' && acc1.view.status === 'live', 'live again', 5_000);
    await waitFor(() => all.view.seq === 1, 'caught up');
    expect(all.view.state).toEqual(fresh(source, TEAM));
    expect(acc1.view.state).toEqual(fresh(source, 'account:acc-1'));
  });

  it('reloads a topic that a batch touched while it was still loading', async () => {
    let open!: () => void;
    source.gate = new Promise((resolve) => {
      open = resolve;
    });
    const { socket, received } = raw();
    const acked = subscribe(socket, { topic: 'account:acc-1' });
    await waitFor(() => source.loads.length === 1, 'load started');
    const batch = server.hub.onBatch(source.write('acc-1', { name: 'Acme', region: 'emea', score: 5 }));
    source.gate = null;
    open();
    await batch;
    expect(await acked).toEqual({ ok: true });
    await waitFor(() => envelopes(received, LiveEvents.delta).length === 1, 'delta after load');
    expect(envelopes<Delta>(received, LiveEvents.delta)[0]!.ops).toEqual([
      { op: 'replace', path: '/account/score', value: 5 },
    ]);
  });

  it('drops a topic nobody watches after the grace period, and it costs nothing afterwards', async () => {
    const { socket } = raw();
    await subscribe(socket, { topic: EMEA });
    expect(server.hub.topicKeys).toEqual([EMEA]);
    socket.emit(LiveEvents.unsubscribe, { topic: 'team:cse?region=emea&owner=' });
    await sleep(100);
    expect(server.hub.topicKeys).toEqual([EMEA]); // still within its grace period
    await waitFor(() => server.hub.topicKeys.length === 0, 'dropped');
    source.loads.length = 0;
    await server.hub.onBatch(source.write('acc-1', { name: 'Acme', region: 'emea', score: 1 }));
    expect(source.loads).toEqual([]);
  });

  it('forgets the subscriptions of a disconnected socket', async () => {
    const { socket } = raw();
    await subscribe(socket, { topic: TEAM });
    socket.disconnect();
    await waitFor(() => server.hub.topicKeys.length === 0, 'dropped after disconnect');
  });
});
