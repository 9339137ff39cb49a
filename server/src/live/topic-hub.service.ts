import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type ClientToServerEvents,
  type Delta,
  type LiveError,
  LiveEvents,
  type PatchOperation,
  parseTopic,
  readSubscribeRequest,
  readUnsubscribeRequest,
  type ServerToClientEvents,
  type StreamPosition,
  type SubscribeAck,
  type Topic,
} from '@pulse/protocol';
import jsonpatch from 'fast-json-patch';
import type { Namespace, Socket } from 'socket.io';
import { LIVE_CONFIG, type LiveConfig } from './live.config.js';
import { TOPIC_SOURCE, type TopicChangeSet, TopicLoadError, type TopicSource } from './topic-source.js';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** One topic's stream: the published state, its position and the recent deltas behind it. */
interface Channel {
  readonly key: string;
  readonly topic: Topic;
  readonly epoch: string;
  seq: number;
  state: unknown;
  at: string;
  /** Deltas with consecutive seqs ending at `seq`, oldest first, at most `ringSize`. */
  readonly ring: Delta[];
  readonly subscribers: Set<LiveSocket>;
  /** Slow subscribers: they get no deltas until they drain, then a fresh snapshot. */
  readonly lagging: Set<LiveSocket>;
  /**
   * The newest state not yet published (coalescing window still open), with the operations from
   * the published state when the source keeps the topic incrementally (null: diff at flush).
   */
  pending: { state: unknown; at: string; ops: PatchOperation[] | null } | null;
  lastFlushAt: number;
  flushTimer: NodeJS.Timeout | null;
  idleTimer: NodeJS.Timeout | null;
  /** A reload in flight; a batch arriving meanwhile asks for one more (`reloadAt`). */
  reloading: Promise<void> | null;
  reloadAt: string | null;
  dropped: boolean;
}

interface Loading {
  readonly topic: Topic;
  promise: Promise<Channel>;
  /** A batch touched the topic while it was loading: reload once it is ready. */
  dirtyAt: string | null;
}

const laterIso = (a: string | null, b: string): string =>
  a !== null && Date.parse(a) > Date.parse(b) ? a : b;

/**
 * Per-topic streams with epoch, seq and a ring of recent deltas (DESIGN.md §4). Topics exist
 * only while someone watches them (plus a grace period); the change feed reaches them through
 * `onBatch`, which reloads only the watched topics a batch may affect.
 */
@Injectable()
export class TopicHub implements OnModuleDestroy {
  private readonly logger = new Logger(TopicHub.name);
  private readonly channels = new Map<string, Channel>();
  private readonly loading = new Map<string, Loading>();
  /** Topic keys each socket asked for (an unsubscribe during a load wins over the subscribe). */
  private readonly wanted = new WeakMap<LiveSocket, Set<string>>();
  private readonly heartbeat: NodeJS.Timeout;
  private lagCheck: NodeJS.Timeout | null = null;
  private namespace: LiveNamespace | null = null;

  constructor(
    @Inject(TOPIC_SOURCE) private readonly source: TopicSource,
    @Inject(LIVE_CONFIG) private readonly config: LiveConfig,
  ) {
    this.heartbeat = setInterval(() => this.sendPositions(), config.heartbeatMs).unref();
  }

  /** Called by the gateway once the `/live` namespace exists. */
  attach(namespace: LiveNamespace): void {
    this.namespace = namespace;
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    if (this.lagCheck) clearInterval(this.lagCheck);
    for (const channel of this.channels.values()) this.drop(channel);
  }

  /** Topic keys that currently have a stream (watched, or within their grace period). */
  get topicKeys(): string[] {
    return [...this.channels.keys()];
  }

  /** Handles a client's subscribe; answers with an error instead of throwing, whatever the payload. */
  async subscribe(socket: LiveSocket, payload: unknown): Promise<SubscribeAck> {
    const request = readSubscribeRequest(payload);
    if (!request.ok) return { ok: false, error: request.error };
    const parsed = parseTopic(request.value.topic);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const wanted = this.wantedBy(socket);
    wanted.add(parsed.key);
    let channel: Channel;
    try {
      channel = await this.channelFor(parsed.key, parsed.topic);
    } catch (error) {
      wanted.delete(parsed.key);
      return { ok: false, error: this.describeLoadError(parsed.key, error) };
    }
    // The client left, or unsubscribed while the topic was loading.
    if (!socket.connected || !wanted.has(parsed.key)) return { ok: true };
    this.catchUp(channel, socket, request.value.since);
    return { ok: true };
  }

  unsubscribe(socket: LiveSocket, payload: unknown): void {
    const request = readUnsubscribeRequest(payload);
    if (!request.ok) return;
    const parsed = parseTopic(request.value.topic);
    if (!parsed.ok) return;
    this.wantedBy(socket).delete(parsed.key);
    const channel = this.channels.get(parsed.key);
    if (channel) this.detach(channel, socket);
  }

  disconnect(socket: LiveSocket): void {
    for (const key of this.wantedBy(socket)) {
      const channel = this.channels.get(key);
      if (channel) this.detach(channel, socket);
    }
    this.wanted.delete(socket);
  }

  /**
   * Publishes a topic's new state (a no-op when nobody watches the topic or nothing changed).
   * `at` is the commit time of the newest change the state includes.
   */
  publish(topicKey: string, state: unknown, at: string | Date): void {
    const channel = this.channels.get(topicKey);
    if (!channel) return;
    this.stage(channel, state, typeof at === 'string' ? at : at.toISOString());
  }

  /** Reloads and publishes every watched topic the batch may affect; resolves when they are staged. */
  async onBatch(changes: TopicChangeSet): Promise<void> {
    for (const [key, loading] of this.loading) {
      if (this.affects(key, loading.topic, changes)) loading.dirtyAt = laterIso(loading.dirtyAt, changes.at);
    }
    const reloads: Promise<void>[] = [];
    for (const channel of this.channels.values()) {
      if (this.affects(channel.key, channel.topic, changes)) reloads.push(this.reload(channel, changes.at));
    }
    await Promise.all(reloads);
  }

  private affects(key: string, topic: Topic, changes: TopicChangeSet): boolean {
    try {
      return this.source.affectedBy(topic, changes);
    } catch (error) {
      // Reloading too much is only slower; missing a change is wrong.
      this.logger.error(`affectedBy failed for ${key}`, error);
      return true;
    }
  }

  private wantedBy(socket: LiveSocket): Set<string> {
    let keys = this.wanted.get(socket);
    if (!keys) {
      keys = new Set();
      this.wanted.set(socket, keys);
    }
    return keys;
  }

  private channelFor(key: string, topic: Topic): Promise<Channel> {
    const existing = this.channels.get(key);
    if (existing) return Promise.resolve(existing);
    const loading = this.loading.get(key);
    if (loading) return loading.promise;
    const entry: Loading = { topic, promise: this.open(key, topic), dirtyAt: null };
    this.loading.set(key, entry);
    const settle = () => this.loading.delete(key);
    entry.promise.then((channel) => {
      settle();
      if (entry.dirtyAt !== null) void this.reload(channel, entry.dirtyAt);
    }, settle);
    return entry.promise;
  }

  private async open(key: string, topic: Topic): Promise<Channel> {
    const loadedAt = new Date().toISOString();
    const state = normalize(await this.source.load(topic));
    const channel: Channel = {
      key,
      topic,
      epoch: randomUUID(),
      seq: 0,
      state,
      at: loadedAt,
      ring: [],
      subscribers: new Set(),
      lagging: new Set(),
      pending: null,
      lastFlushAt: 0,
      flushTimer: null,
      idleTimer: null,
      reloading: null,
      reloadAt: null,
      dropped: false,
    };
    this.channels.set(key, channel);
    // Until someone is attached the topic is idle; the first subscriber cancels this.
    this.scheduleIdleDrop(channel);
    return channel;
  }

  /** Sends what the socket is missing (replay from the ring, or a snapshot) and joins it to the topic. */
  private catchUp(channel: Channel, socket: LiveSocket, since: StreamPosition | undefined): void {
    const replay = since ? this.replayAfter(channel, since) : null;
    if (replay) {
      for (const delta of replay) socket.emit(LiveEvents.delta, delta);
    } else {
      this.sendSnapshot(channel, socket);
    }
    channel.lagging.delete(socket);
    if (!channel.subscribers.has(socket)) {
      channel.subscribers.add(socket);
      void socket.join(channel.key);
    }
    if (channel.idleTimer) {
      clearTimeout(channel.idleTimer);
      channel.idleTimer = null;
    }
  }

  /** The deltas after `since`, or null when only a snapshot will do (never a partial replay). */
  private replayAfter(channel: Channel, since: StreamPosition): Delta[] | null {
    if (since.epoch !== channel.epoch || since.seq > channel.seq) return null;
    if (since.seq === channel.seq) return [];
    const oldest = channel.ring[0];
    if (!oldest || oldest.seq > since.seq + 1) return null;
    return channel.ring.slice(since.seq + 1 - oldest.seq);
  }

  private sendSnapshot(channel: Channel, socket: LiveSocket): void {
    socket.emit(LiveEvents.snapshot, {
      topic: channel.key,
      epoch: channel.epoch,
      seq: channel.seq,
      state: channel.state,
      at: channel.at,
    });
  }

  private detach(channel: Channel, socket: LiveSocket): void {
    channel.subscribers.delete(socket);
    channel.lagging.delete(socket);
    void socket.leave(channel.key);
    if (channel.subscribers.size === 0) this.scheduleIdleDrop(channel);
  }

  private scheduleIdleDrop(channel: Channel): void {
    if (channel.idleTimer) clearTimeout(channel.idleTimer);
    channel.idleTimer = setTimeout(() => {
      channel.idleTimer = null;
      if (channel.subscribers.size === 0) this.drop(channel);
    }, this.config.idleTopicGraceMs).unref();
  }

  private drop(channel: Channel): void {
    channel.dropped = true;
    if (channel.flushTimer) clearTimeout(channel.flushTimer);
    if (channel.idleTimer) clearTimeout(channel.idleTimer);
    channel.flushTimer = null;
    channel.idleTimer = null;
    if (this.channels.get(channel.key) === channel) {
      this.channels.delete(channel.key);
      this.source.release?.(channel.topic);
    }
  }

  /**
   * Reloads a topic from its source. Reloads of one topic never overlap, so an older state can
   * never be published after a newer one; a batch arriving during a reload causes one more.
   */
  private reload(channel: Channel, at: string): Promise<void> {
    channel.reloadAt = laterIso(channel.reloadAt, at);
    if (channel.reloading) return channel.reloading;
    const run = async () => {
      while (channel.reloadAt !== null && !channel.dropped) {
        const includes = channel.reloadAt;
        channel.reloadAt = null;
        try {
          const update = this.source.takeUpdate?.(channel.topic) ?? null;
          if (update) {
            if (!channel.dropped) this.stage(channel, update.state, includes, update.ops);
          } else {
            const state = await this.source.load(channel.topic);
            if (!channel.dropped) this.stage(channel, state, includes);
          }
        } catch (error) {
          this.logger.error(`reloading ${channel.key} failed; it keeps its last state`, error);
        }
      }
    };
    channel.reloading = run().finally(() => {
      channel.reloading = null;
    });
    return channel.reloading;
  }

  /**
   * Coalescing: the first change goes out at once, later ones within the window wait for its end.
   * With `ops` (an incremental source) the operations of the window add up; a full state instead
   * makes the flush diff the published state against the newest one.
   */
  private stage(channel: Channel, state: unknown, at: string, ops?: PatchOperation[]): void {
    const pending = channel.pending;
    channel.pending = {
      state: ops ? state : normalize(state),
      at: laterIso(pending?.at ?? null, at),
      ops: ops && (pending === null || pending.ops !== null) ? [...(pending?.ops ?? []), ...ops] : null,
    };
    if (channel.flushTimer) return;
    const wait = channel.lastFlushAt + this.config.coalesceMs - Date.now();
    if (wait <= 0) {
      this.flush(channel);
    } else {
      channel.flushTimer = setTimeout(() => this.flush(channel), wait).unref();
    }
  }

  private flush(channel: Channel): void {
    channel.flushTimer = null;
    const pending = channel.pending;
    channel.pending = null;
    if (!pending || channel.dropped) return;
    const ops = pending.ops ?? jsonpatch.compare(channel.state as object, pending.state as object);
    if (ops.length === 0) return;
    channel.seq += 1;
    channel.state = pending.state;
    channel.at = pending.at;
    channel.lastFlushAt = Date.now();
    const delta: Delta = { topic: channel.key, epoch: channel.epoch, seq: channel.seq, ops, at: pending.at };
    channel.ring.push(delta);
    if (channel.ring.length > this.config.ringSize) channel.ring.shift();
    this.broadcast(channel, delta);
  }

  private broadcast(channel: Channel, delta: Delta): void {
    if (!this.namespace) return;
    for (const socket of channel.subscribers) {
      if (!channel.lagging.has(socket) && this.isBackedUp(socket)) channel.lagging.add(socket);
    }
    this.audience(channel).emit(LiveEvents.delta, delta);
    if (channel.lagging.size > 0) this.watchLaggards();
  }

  /** The topic's room without its slow sockets. */
  private audience(channel: Channel) {
    const namespace = this.namespace!;
    if (channel.lagging.size === 0) return namespace.to(channel.key);
    return namespace.to(channel.key).except([...channel.lagging].map((socket) => socket.id));
  }

  private isBackedUp(socket: LiveSocket): boolean {
    // engine.io keeps packets in `writeBuffer` while the websocket is still busy sending earlier
    // ones; `bufferedAmount` is what the websocket itself holds. Neither is public API.
    const conn = socket.conn as unknown as {
      writeBuffer?: unknown[];
      transport?: { socket?: { bufferedAmount?: number } };
    };
    const packets = conn.writeBuffer?.length ?? 0;
    const bytes = conn.transport?.socket?.bufferedAmount ?? 0;
    return packets > this.config.maxPendingPackets || bytes > this.config.maxBufferedBytes;
  }

  /** Sends a fresh snapshot to each slow socket once it has drained. */
  private watchLaggards(): void {
    if (this.lagCheck) return;
    this.lagCheck = setInterval(() => {
      let stillLagging = false;
      for (const channel of this.channels.values()) {
        for (const socket of channel.lagging) {
          if (!socket.connected) {
            channel.lagging.delete(socket);
          } else if (!this.isBackedUp(socket)) {
            channel.lagging.delete(socket);
            this.sendSnapshot(channel, socket);
          } else {
            stillLagging = true;
          }
        }
      }
      if (!stillLagging && this.lagCheck) {
        clearInterval(this.lagCheck);
        this.lagCheck = null;
      }
    }, this.config.lagCheckMs).unref();
  }

  private sendPositions(): void {
    if (!this.namespace) return;
    for (const channel of this.channels.values()) {
      if (channel.subscribers.size === 0) continue;
      this.audience(channel).volatile.emit(LiveEvents.position, {
        topic: channel.key,
        epoch: channel.epoch,
        seq: channel.seq,
      });
    }
  }

  private describeLoadError(key: string, error: unknown): LiveError {
    if (error instanceof TopicLoadError) return { code: error.code, message: error.message };
    this.logger.error(`loading ${key} failed`, error);
    return { code: 'internal', message: `topic ${key} could not be loaded` };
  }
}

/** States travel as JSON: keep the server's copy identical to what clients build (Dates → strings…). */
function normalize(state: unknown): unknown {
  return JSON.parse(JSON.stringify(state ?? null));
}
