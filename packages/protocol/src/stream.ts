import { applyDelta } from './apply-delta.js';
import type {
  Delta,
  LiveError,
  Position,
  Snapshot,
  StreamPosition,
  SubscribeAck,
  SubscribeRequest,
} from './events.js';

/**
 * connecting: waiting for the first snapshot or for a resubscription to be acknowledged;
 * live: in sync and hearing from the server; stale: connected but nothing heard for a while;
 * offline: the socket is down; error: the server refused the topic (see `error`).
 */
export type TopicStatus = 'connecting' | 'live' | 'stale' | 'offline' | 'error';

/** What a screen needs of one topic. A new object after every change (safe for Vue, React, …). */
export interface TopicView<S> {
  topic: string;
  state: S | undefined;
  epoch: string | null;
  seq: number;
  /** ISO commit time of the newest change in `state`: data age is now − at. */
  at: string | null;
  status: TopicStatus;
  error: LiveError | null;
}

export interface TopicStreamOptions {
  /** A live topic that hears nothing (no delta, no position) for this long turns stale. */
  staleAfterMs: number;
  now: () => number;
}

/** Sends one subscribe request and reports its acknowledgement (or `null` when it timed out). */
export type SubscribeSender = (request: SubscribeRequest, onAck: (ack: SubscribeAck | null) => void) => void;

/**
 * Client side of one topic's stream (DESIGN.md §4): applies the snapshot, applies deltas in
 * order, drops what it already has, and resubscribes with `since` on a gap, an epoch change or a
 * heartbeat ahead of it. Transport-free: LiveClient feeds it socket events, tests feed it envelopes.
 */
export class TopicStream<S = unknown> {
  private state: S | undefined = undefined;
  private epoch: string | null = null;
  private seq = 0;
  private at: string | null = null;
  private status: TopicStatus = 'offline';
  private error: LiveError | null = null;
  private connected = false;
  /** A subscribe is in flight: further gaps wait for its answer instead of asking again. */
  private resubscribing = false;
  private lastHeardAt = 0;
  private readonly listeners = new Set<(view: TopicView<S>) => void>();
  private currentView: TopicView<S>;

  constructor(
    readonly topic: string,
    private readonly send: SubscribeSender,
    private readonly options: TopicStreamOptions,
  ) {
    this.currentView = this.buildView();
  }

  get view(): TopicView<S> {
    return this.currentView;
  }

  get position(): StreamPosition | null {
    return this.epoch === null ? null : { epoch: this.epoch, seq: this.seq };
  }

  /** Calls `listener` after every change of the view; returns the function that stops it. */
  onChange(listener: (view: TopicView<S>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The socket is (again) connected: subscribe, from our position when we have one. */
  connect(): void {
    this.connected = true;
    this.resubscribing = false;
    this.error = null;
    this.status = 'connecting';
    this.requestSubscribe(true);
    this.changed();
  }

  disconnect(): void {
    this.connected = false;
    this.resubscribing = false;
    if (this.status !== 'error') this.status = 'offline';
    this.changed();
  }

  receiveSnapshot(snapshot: Snapshot<S>): void {
    // A snapshot is authoritative unless it is older than what we hold in the same epoch.
    if (snapshot.epoch === this.epoch && snapshot.seq < this.seq) return;
    this.state = snapshot.state;
    this.epoch = snapshot.epoch;
    this.seq = snapshot.seq;
    this.at = snapshot.at;
    this.heard();
    this.changed();
  }

  receiveDelta(delta: Delta): void {
    if (this.epoch === null) return; // the snapshot we asked for is on its way
    if (delta.epoch !== this.epoch) {
      this.resubscribe();
      return;
    }
    if (delta.seq <= this.seq) return;
    if (delta.seq > this.seq + 1) {
      this.resubscribe();
      return;
    }
    let next: S;
    try {
      next = applyDelta(this.state as S, delta.ops);
    } catch {
      // Validated: an op that does not fit our copy means it no longer matches the server's,
      // and only a snapshot can repair it.
      this.epoch = null;
      this.resubscribe();
      return;
    }
    this.state = next;
    this.seq = delta.seq;
    this.at = delta.at;
    this.heard();
    this.changed();
  }

  receivePosition(position: Position): void {
    if (this.epoch === null) return;
    if (position.epoch !== this.epoch) {
      this.resubscribe();
      return;
    }
    if (position.seq > this.seq) {
      this.resubscribe();
      return;
    }
    const wasStale = this.status === 'stale';
    this.heard();
    if (wasStale) this.changed();
  }

  /** Turns a silent live topic stale; LiveClient calls it on a timer. */
  checkStale(): void {
    if (this.status === 'live' && this.options.now() - this.lastHeardAt > this.options.staleAfterMs) {
      this.status = 'stale';
      this.changed();
    }
  }

  private resubscribe(): void {
    if (!this.connected || this.resubscribing) return;
    this.requestSubscribe(this.epoch !== null);
  }

  private requestSubscribe(withSince: boolean): void {
    if (!this.connected) return;
    this.resubscribing = true;
    const request: SubscribeRequest = { topic: this.topic };
    const since = this.position;
    if (withSince && since !== null) request.since = since;
    this.send(request, (ack) => this.receiveAck(ack));
  }

  private receiveAck(ack: SubscribeAck | null): void {
    if (!this.connected) return;
    this.resubscribing = false;
    if (ack === null) {
      this.resubscribe();
      return;
    }
    if (!ack.ok) {
      this.status = 'error';
      this.error = ack.error;
    } else {
      this.error = null;
      // Everything owed to us (replay or snapshot) was sent before the acknowledgement; a stream
      // that still has no epoch discarded its state (patch failure) and needs a snapshot.
      if (this.epoch === null) {
        this.requestSubscribe(false);
        return;
      }
      this.heard();
    }
    this.changed();
  }

  private heard(): void {
    this.lastHeardAt = this.options.now();
    if (this.connected && this.status !== 'error' && !this.resubscribing) this.status = 'live';
  }

  private changed(): void {
    this.currentView = this.buildView();
    for (const listener of this.listeners) listener(this.currentView);
  }

  private buildView(): TopicView<S> {
    return {
      topic: this.topic,
      state: this.state,
      epoch: this.epoch,
      seq: this.seq,
      at: this.at,
      status: this.status,
      error: this.error,
    };
  }
}
