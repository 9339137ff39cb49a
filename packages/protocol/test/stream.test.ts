import jsonpatch from 'fast-json-patch';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Delta, SubscribeAck, SubscribeRequest } from '../src/events.js';
import { TopicStream } from '../src/stream.js';

interface State {
  accounts: Record<string, { score: number }>;
}

const TOPIC = 'team:cse';
const EPOCH = 'epoch-1';

/** The server side of the conversation, by hand: what was asked, and the answers. */
class Harness {
  clock = 1_000;
  requests: Array<{ request: SubscribeRequest; answer: (ack: SubscribeAck | null) => void }> = [];
  stream = new TopicStream<State>(TOPIC, (request, answer) => this.requests.push({ request, answer }), {
    staleAfterMs: 5_000,
    now: () => this.clock,
  });

  /** Answers the oldest pending subscribe. */
  ack(ack: SubscribeAck | null = { ok: true }): void {
    const pending = this.requests.shift();
    if (!pending) throw new Error('no subscribe to acknowledge');
    pending.answer(ack);
  }

  snapshot(seq: number, state: State, epoch = EPOCH): void {
    this.stream.receiveSnapshot({ topic: TOPIC, epoch, seq, state, at: `2025-01-01T00:00:${seq}Z` });
  }

  delta(seq: number, from: State, to: State, epoch = EPOCH): Delta {
    const delta = { topic: TOPIC, epoch, seq, ops: jsonpatch.compare(from, to), at: `at-${seq}` };
    this.stream.receiveDelta(delta);
    return delta;
  }
}

const states: State[] = [0, 1, 2, 3, 4, 5].map((n) => ({
  accounts: Object.fromEntries(Array.from({ length: n + 1 }, (_, i) => [`acc-${i}`, { score: 10 * n + i }])),
}));
const stateAt = (seq: number): State => states[seq]!;

describe('TopicStream', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
    h.stream.connect();
  });

  it('subscribes without since at first, then goes live on snapshot and acknowledgement', () => {
    expect(h.requests.map((r) => r.request)).toEqual([{ topic: TOPIC }]);
    expect(h.stream.view.status).toBe('connecting');
    h.snapshot(0, stateAt(0));
    h.ack();
    expect(h.stream.view).toMatchObject({ status: 'live', epoch: EPOCH, seq: 0, state: stateAt(0) });
  });

  it('applies deltas in order, emitting a new state object each time', () => {
    h.snapshot(0, stateAt(0));
    h.ack();
    const seen: State[] = [];
    h.stream.onChange((view) => seen.push(view.state!));
    h.delta(1, stateAt(0), stateAt(1));
    h.delta(2, stateAt(1), stateAt(2));
    expect(h.stream.view).toMatchObject({ seq: 2, state: stateAt(2), at: 'at-2', status: 'live' });
    expect(seen).toEqual([stateAt(1), stateAt(2)]);
    expect(seen[0]).not.toBe(seen[1]);
    // The snapshot the stream started from was not mutated in place.
    expect(Object.keys(states[0]!.accounts)).toEqual(['acc-0']);
    expect(h.requests).toEqual([]);
  });

  it('drops duplicates and deltas it already has', () => {
    h.snapshot(2, stateAt(2));
    h.ack();
    h.delta(1, stateAt(0), stateAt(1));
    h.delta(2, stateAt(1), stateAt(2));
    const three = h.delta(3, stateAt(2), stateAt(3));
    h.stream.receiveDelta(three);
    expect(h.stream.view).toMatchObject({ seq: 3, state: stateAt(3) });
    expect(h.requests).toEqual([]);
  });

  it('resubscribes with since on a gap, once, and catches up from the replay', () => {
    h.snapshot(0, stateAt(0));
    h.ack();
    h.delta(2, stateAt(1), stateAt(2));
    h.delta(3, stateAt(2), stateAt(3));
    expect(h.requests.map((r) => r.request)).toEqual([{ topic: TOPIC, since: { epoch: EPOCH, seq: 0 } }]);
    expect(h.stream.view.seq).toBe(0);
    // The server replays 1..3 before acknowledging.
    h.delta(1, stateAt(0), stateAt(1));
    h.delta(2, stateAt(1), stateAt(2));
    h.delta(3, stateAt(2), stateAt(3));
    h.ack();
    expect(h.stream.view).toMatchObject({ seq: 3, state: stateAt(3), status: 'live' });
  });

  it('resubscribes on an epoch change and takes the new snapshot', () => {
    h.snapshot(4, stateAt(4));
    h.ack();
    h.delta(1, stateAt(0), stateAt(1), 'epoch-2');
    expect(h.requests.map((r) => r.request)).toEqual([{ topic: TOPIC, since: { epoch: EPOCH, seq: 4 } }]);
    h.snapshot(1, stateAt(1), 'epoch-2');
    h.ack();
    expect(h.stream.view).toMatchObject({ epoch: 'epoch-2', seq: 1, state: stateAt(1), status: 'live' });
  });

  it('resubscribes when a heartbeat is ahead or from another epoch, not when it matches', () => {
    h.snapshot(1, stateAt(1));
    h.ack();
    h.stream.receivePosition({ topic: TOPIC, epoch: EPOCH, seq: 1 });
    expect(h.requests).toEqual([]);
    h.stream.receivePosition({ topic: TOPIC, epoch: EPOCH, seq: 2 });
    expect(h.requests.map((r) => r.request)).toEqual([{ topic: TOPIC, since: { epoch: EPOCH, seq: 1 } }]);
    h.ack();
    h.stream.receivePosition({ topic: TOPIC, epoch: 'epoch-9', seq: 1 });
    expect(h.requests.map((r) => r.request)).toEqual([{ topic: TOPIC, since: { epoch: EPOCH, seq: 1 } }]);
  });

  it('asks for a fresh snapshot (no since) when a delta does not apply to its state', () => {
    h.snapshot(0, stateAt(0));
    h.ack();
    h.stream.receiveDelta({
      topic: TOPIC,
      epoch: EPOCH,
      seq: 1,
      ops: [{ op: 'replace', path: '/accounts/acc-404/score', value: 1 }],
      at: 'x',
    });
    expect(h.requests.map((r) => r.request)).toEqual([{ topic: TOPIC }]);
    h.snapshot(1, stateAt(1));
    h.ack();
    expect(h.stream.view).toMatchObject({ seq: 1, state: stateAt(1), status: 'live' });
  });

  it('still gets a snapshot when a delta fails to apply while a resubscribe is in flight', () => {
    h.snapshot(0, stateAt(0));
    h.ack();
    h.delta(2, stateAt(1), stateAt(2)); // gap: resubscribe with since 0 is in flight
    h.stream.receiveDelta({
      topic: TOPIC,
      epoch: EPOCH,
      seq: 1,
      ops: [{ op: 'remove', path: '/accounts/acc-404' }],
      at: 'x',
    });
    h.ack();
    expect(h.requests.map((r) => r.request)).toEqual([{ topic: TOPIC }]);
    h.snapshot(2, stateAt(2));
    h.ack();
    expect(h.stream.view).toMatchObject({ seq: 2, state: stateAt(2), status: 'live' });
  });

  it('goes offline on disconnect and resubscribes from its position on reconnect', () => {
    h.snapshot(3, stateAt(3));
    h.ack();
    h.stream.disconnect();
    expect(h.stream.view.status).toBe('offline');
    h.stream.connect();
    expect(h.stream.view.status).toBe('connecting');
    expect(h.requests.map((r) => r.request)).toEqual([{ topic: TOPIC, since: { epoch: EPOCH, seq: 3 } }]);
    h.ack();
    expect(h.stream.view).toMatchObject({ status: 'live', seq: 3, state: stateAt(3) });
  });

  it('turns stale after silence and live again on the next heartbeat', () => {
    h.snapshot(0, stateAt(0));
    h.ack();
    h.clock += 5_000;
    h.stream.checkStale();
    expect(h.stream.view.status).toBe('live');
    h.clock += 1;
    h.stream.checkStale();
    expect(h.stream.view.status).toBe('stale');
    h.stream.receivePosition({ topic: TOPIC, epoch: EPOCH, seq: 0 });
    expect(h.stream.view.status).toBe('live');
  });

  it('shows the error of a refused subscription', () => {
    h.ack({ ok: false, error: { code: 'not_found', message: 'no account acc-9' } });
    expect(h.stream.view).toMatchObject({ status: 'error', error: { code: 'not_found' } });
  });

  it('retries a subscribe whose acknowledgement timed out', () => {
    h.ack(null);
    expect(h.requests.map((r) => r.request)).toEqual([{ topic: TOPIC }]);
  });
});
