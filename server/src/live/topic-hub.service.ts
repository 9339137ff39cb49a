import { randomUUID } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
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
import { DataPathMetrics } from '../metrics/data-path.metrics.js';
import { gauge } from '../metrics/metric.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { LIVE_CONFIG, type LiveConfig } from './live.config.js';
import { LIVE_AUTHORITY, type LiveAuthority } from './live-authority.js';
import { SendBacklog } from './send-backlog.js';
import { diffStates } from './state-diff.js';
import { type RelayedStream, TOPIC_RELAY, type TopicRelay } from './topic-relay.js';
import { TOPIC_SOURCE, type TopicChangeSet, TopicLoadError, type TopicSource } from './topic-source.js';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** A published delta with the size of its encoding (measured once, whoever receives it). */
interface RingEntry {
  readonly delta: Delta;
  readonly bytes: number;
}

/** One topic's stream: the published state, its position and the recent deltas behind it. */
interface Channel {
  readonly key: string;
  readonly topic: Topic;
  epoch: string;
  seq: number;
  state: unknown;
  /** Size of the state's encoding: what a snapshot costs (null until asked, see snapshotBytes). */
  stateBytes: number | null;
  at: string;
  /** Deltas with consecutive seqs ending at `seq`, oldest first, at most `ringSize`. */
  ring: RingEntry[];
  readonly subscribers: Set<Peer>;
  /** Other processes' clients watch it (cluster leader): kept open while this is above 0. */
  holds: number;
  /** Its stream is stamped by the cluster's leader and relayed here (a follower's channel). */
  mirrored: boolean;
  /**
   * The newest state not yet published (coalescing window still open), with the operations from
   * the published state when the source keeps the topic incrementally (null: diff at flush).
   */
  pending: { state: unknown; at: string; ops: PatchOperation[] | null } | null;
  lastFlushAt: number;
  flushTimer: NodeJS.Timeout | null;
  idleTimer: NodeJS.Timeout | null;
  /** When the last subscriber left (the idlest topic makes room first when topics run out). */
  idleSince: number;
  /** A reload in flight; a batch arriving meanwhile asks for one more (`reloadAt`). */
  reloading: Promise<void> | null;
  reloadAt: string | null;
  dropped: boolean;
}

/** One connected socket, with everything queued for it counted toward one bound. */
interface Peer {
  readonly socket: LiveSocket;
  readonly backlog: SendBacklog;
  /** Topic keys the socket asked for (an unsubscribe during a load wins over the subscribe). */
  readonly wanted: Set<string>;
  /**
   * While the socket is cut back: per topic, the seq it has everything up to (null: it needs a
   * snapshot). One entry per topic, however many deltas or subscribes it missed meanwhile.
   */
  readonly behind: Map<string, number | null>;
}

interface Loading {
  readonly topic: Topic;
  promise: Promise<Channel>;
  /** A batch touched the topic while it was loading: reload once it is ready. */
  dirtyAt: string | null;
}

/** A relayed topic whose published stream is unusable is read again after this long. */
const RESYNC_RETRY_MS = 500;

const laterIso = (a: string | null, b: string): string =>
  a !== null && Date.parse(a) > Date.parse(b) ? a : b;

const refuse = (code: LiveError['code'], message: string): SubscribeAck => ({
  ok: false,
  error: { code, message },
});

/**
 * Per-topic streams with epoch, seq and a ring of recent deltas (DESIGN.md §4). Topics exist
 * only while someone watches them (plus a grace period); the change feed reaches them through
 * `onBatch`, which reloads only the watched topics a batch may affect, once per topic however many
 * sockets hold it.
 *
 * Limits (DESIGN.md §6): subscriptions per socket, topics per process, and bytes queued per
 * socket. Every send to a socket passes one gate: a socket that is backed up is cut back (nothing
 * more queued for it) and gets what it missed once it drains; one that stops reading is cut off.
 */
@Injectable()
export class TopicHub implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(TopicHub.name);
  private readonly channels = new Map<string, Channel>();
  private readonly loading = new Map<string, Loading>();
  private readonly peers = new WeakMap<LiveSocket, Peer>();
  /** Sockets that get nothing more until they drain. */
  private readonly cutBack = new Set<Peer>();
  private readonly heartbeat: NodeJS.Timeout;
  private lagCheck: NodeJS.Timeout | null = null;
  private namespace: LiveNamespace | null = null;

  /** Whether this hub computes its topics (a single process, or the cluster's leader). */
  private computing: boolean;

  constructor(
    @Inject(TOPIC_SOURCE) private readonly source: TopicSource,
    @Inject(LIVE_CONFIG) private readonly config: LiveConfig,
    @Inject(LIVE_AUTHORITY) private readonly authority: LiveAuthority,
    @Optional() @Inject(TOPIC_RELAY) private readonly relay: TopicRelay | null = null,
    @Optional() @Inject(DataPathMetrics) private readonly dataPath: DataPathMetrics | null = null,
    @Optional() @Inject(MetricsRegistry) registry: MetricsRegistry | null = null,
  ) {
    this.computing = relay === null;
    if (registry) this.registerMetrics(registry);
    this.heartbeat = setInterval(() => this.sendPositions(), config.heartbeatMs).unref();
  }

  /** Called by the gateway once the `/live` namespace exists. */
  attach(namespace: LiveNamespace): void {
    this.namespace = namespace;
  }

  /**
   * Shutting down: every socket is sent to reconnect (its client retries with backoff, through the
   * load balancer to another process) before the server closes.
   */
  beforeApplicationShutdown(): void {
    this.disconnectAll();
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

  /** Sockets, and subscriptions per topic, read at each scrape of `GET /metrics`. */
  private registerMetrics(registry: MetricsRegistry): void {
    const hub = this;
    gauge(registry, {
      name: 'pulse_live_sockets',
      help: 'Live sockets connected to this process',
      collect() {
        this.set(hub.namespace?.sockets.size ?? 0);
      },
    });
    gauge(registry, {
      name: 'pulse_live_subscriptions',
      help: 'Sockets of this process subscribed to each streamed topic',
      labelNames: ['topic'],
      collect() {
        this.reset();
        for (const channel of hub.channels.values())
          this.set({ topic: channel.key }, channel.subscribers.size);
      },
    });
  }

  /**
   * The cluster made this process the leader: from now on it computes every topic, continuing
   * each stream from what was last published (same epoch, next seq), so clients see one delta.
   */
  async lead(): Promise<void> {
    if (this.computing) return;
    this.computing = true;
    await Promise.all([...this.channels.values()].map((channel) => this.compute(channel)));
  }

  /**
   * Keeps a topic open for clients of other processes (cluster leader); resolves once it is
   * published, or rejects with the reason it cannot be.
   */
  async hold(key: string, topic: Topic): Promise<void> {
    const channel = await this.channelFor(key, topic);
    channel.holds += 1;
    if (channel.idleTimer) {
      clearTimeout(channel.idleTimer);
      channel.idleTimer = null;
    }
  }

  unhold(key: string): void {
    const channel = this.channels.get(key);
    if (!channel || channel.holds === 0) return;
    channel.holds -= 1;
    if (channel.holds === 0 && channel.subscribers.size === 0) this.scheduleIdleDrop(channel);
  }

  /** Stores every computed topic's snapshot again (the leader, after Redis was unreachable). */
  republish(): void {
    for (const channel of this.channels.values()) if (!channel.mirrored) this.relay?.publish(channel, null);
  }

  /**
   * A delta the leader published (followers). The next one in order is applied and relayed to the
   * subscribers (encoded once for all); a gap or a new epoch reloads the topic from what was
   * published, and its subscribers catch up as after any gap.
   */
  receive(delta: Delta, ops: PatchOperation[]): void {
    const channel = this.channels.get(delta.topic);
    if (!channel?.mirrored || channel.reloading) return;
    if (delta.epoch === channel.epoch && delta.seq <= channel.seq) return;
    if (delta.epoch !== channel.epoch || delta.seq !== channel.seq + 1) {
      void this.resync(channel);
      return;
    }
    try {
      channel.state = jsonpatch.applyPatch(channel.state, ops, false, true).newDocument;
    } catch (error) {
      this.logger.error(`delta ${delta.seq} of ${channel.key} does not apply; reloading it`, error);
      void this.resync(channel);
      return;
    }
    channel.stateBytes = null;
    this.append(channel, delta);
  }

  /**
   * The link to the other processes is gone (follower): every socket is told to reconnect, so its
   * screens show it, and every relayed topic is forgotten; they are read afresh on return.
   */
  disconnectAll(): void {
    // Closing the connection, not the namespace: clients reconnect on their own only after a lost connection.
    for (const socket of this.namespace?.sockets.values() ?? []) socket.conn.close();
    for (const channel of [...this.channels.values()]) if (channel.mirrored) this.drop(channel);
  }

  /** Starts counting what is queued for a new socket. */
  connect(socket: LiveSocket): void {
    this.peerOf(socket);
  }

  /** Handles a client's subscribe; answers with an error instead of throwing, whatever the payload. */
  async subscribe(socket: LiveSocket, payload: unknown): Promise<SubscribeAck> {
    const peer = this.peerOf(socket);
    // Every request is a chance to notice a socket that does not read what it is sent.
    this.hasRoom(peer);
    const request = readSubscribeRequest(payload);
    if (!request.ok) return { ok: false, error: request.error };
    const parsed = parseTopic(request.value.topic);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const refusal = this.authority.refuse(socket, parsed.topic);
    if (refusal) return { ok: false, error: refusal };
    const { key } = parsed;
    const { maxSubscriptionsPerSocket, maxTopics } = this.config;
    if (!peer.wanted.has(key) && peer.wanted.size >= maxSubscriptionsPerSocket) {
      return refuse(
        'too_many_subscriptions',
        `a socket may hold ${maxSubscriptionsPerSocket} subscriptions: unsubscribe one before subscribing to ${key}`,
      );
    }
    const noRoom = () =>
      refuse('too_many_topics', `the server already streams ${maxTopics} topics: ${key} cannot be added now`);
    if (!this.channels.has(key) && !this.loading.has(key) && !this.makeRoomForTopic()) return noRoom();
    peer.wanted.add(key);
    let channel: Channel;
    try {
      channel = await this.channelFor(key, parsed.topic);
    } catch (error) {
      peer.wanted.delete(key);
      return { ok: false, error: this.describeLoadError(key, error) };
    }
    // The client left, or unsubscribed while the topic was loading.
    if (!socket.connected || !peer.wanted.has(key)) return { ok: true };
    if (channel.dropped) {
      // Dropped to make room for another topic before this socket could join it.
      peer.wanted.delete(key);
      return noRoom();
    }
    this.join(channel, peer, request.value.since);
    return { ok: true };
  }

  unsubscribe(socket: LiveSocket, payload: unknown): void {
    const request = readUnsubscribeRequest(payload);
    if (!request.ok) return;
    const parsed = parseTopic(request.value.topic);
    if (!parsed.ok) return;
    const peer = this.peerOf(socket);
    peer.wanted.delete(parsed.key);
    const channel = this.channels.get(parsed.key);
    if (channel) this.detach(channel, peer);
  }

  disconnect(socket: LiveSocket): void {
    const peer = this.peers.get(socket);
    if (!peer) return;
    for (const key of peer.wanted) {
      const channel = this.channels.get(key);
      if (channel) this.detach(channel, peer);
    }
    this.cutBack.delete(peer);
    this.peers.delete(socket);
  }

  /**
   * Publishes a topic's new state, plain JSON as TopicSource builds it (a no-op when nobody
   * watches the topic or nothing changed).
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
      if (!channel.mirrored && this.affects(channel.key, channel.topic, changes)) {
        reloads.push(this.reload(channel, changes.at));
      }
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

  private peerOf(socket: LiveSocket): Peer {
    let peer = this.peers.get(socket);
    if (!peer) {
      peer = { socket, backlog: new SendBacklog(socket.conn), wanted: new Set(), behind: new Map() };
      this.peers.set(socket, peer);
    }
    return peer;
  }

  /** Below the topic cap, or made so by dropping the topic idle the longest. */
  private makeRoomForTopic(): boolean {
    if (this.channels.size + this.loading.size < this.config.maxTopics) return true;
    let idlest: Channel | null = null;
    for (const channel of this.channels.values()) {
      const idle = channel.subscribers.size === 0 && channel.holds === 0;
      if (idle && (idlest === null || channel.idleSince < idlest.idleSince)) {
        idlest = channel;
      }
    }
    if (idlest === null) return false;
    this.drop(idlest);
    return true;
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
    if (!this.computing) {
      const relayed = (await this.relay!.read(key, true))!;
      const channel = this.createChannel(key, topic, relayed);
      if (this.computing) {
        await this.compute(channel); // became the leader meanwhile
      } else {
        this.relay!.follow(key, relayed.cursor);
      }
      return channel;
    }
    const loadedAt = new Date().toISOString();
    let loaded: unknown;
    try {
      loaded = await this.source.load(topic);
    } catch (error) {
      if (error instanceof TopicLoadError) this.relay?.refuse(key, error.code, error.message);
      throw error;
    }
    // The leader continues what was published before it (another leader, or an earlier self).
    const published = this.relay ? await this.relay.read(key, false) : null;
    if (published) {
      const channel = this.createChannel(key, topic, published);
      channel.mirrored = false;
      this.relay!.publish(channel, null);
      this.stage(channel, loaded, loadedAt);
      return channel;
    }
    const channel = this.createChannel(key, topic, {
      epoch: randomUUID(),
      seq: 0,
      state: loaded,
      at: loadedAt,
      deltas: [],
      cursor: '',
    });
    channel.mirrored = false;
    this.relay?.publish(channel, null);
    return channel;
  }

  private createChannel(key: string, topic: Topic, stream: RelayedStream): Channel {
    const channel: Channel = {
      key,
      topic,
      epoch: stream.epoch,
      seq: stream.seq,
      state: stream.state,
      stateBytes: null,
      at: stream.at,
      ring: stream.deltas.slice(-this.config.ringSize).map((delta) => ({
        delta,
        bytes: JSON.stringify(delta).length,
      })),
      subscribers: new Set(),
      holds: 0,
      mirrored: true,
      pending: null,
      lastFlushAt: 0,
      flushTimer: null,
      idleTimer: null,
      idleSince: Date.now(),
      reloading: null,
      reloadAt: null,
      dropped: false,
    };
    this.channels.set(key, channel);
    // Until someone is attached the topic is idle; the first subscriber cancels this.
    this.scheduleIdleDrop(channel);
    return channel;
  }

  /**
   * Joins the socket to the topic and sends what it is missing (replay from the ring, or a
   * snapshot); for a cut-back socket it only notes what to send once the socket drains.
   */
  private join(channel: Channel, peer: Peer, since: StreamPosition | undefined): void {
    if (!channel.subscribers.has(peer)) {
      channel.subscribers.add(peer);
      void peer.socket.join(channel.key);
    }
    if (channel.idleTimer) {
      clearTimeout(channel.idleTimer);
      channel.idleTimer = null;
    }
    const has = since?.epoch === channel.epoch ? since.seq : null;
    if (this.hasRoom(peer)) {
      peer.behind.delete(channel.key);
      this.sendMissing(channel, peer, has, false);
    } else {
      // However often a backed-up socket asks, it gets one catch-up per topic.
      peer.behind.set(channel.key, has);
    }
  }

  /**
   * Sends the deltas after seq `has` (all of them, never a partial replay), or a snapshot when
   * they are gone, `has` is null, or (`cheapest`) they would cost more bytes than the snapshot.
   */
  private sendMissing(channel: Channel, peer: Peer, has: number | null, cheapest: boolean): void {
    const replay = has === null ? null : this.replayAfter(channel, has);
    const replayBytes = replay?.reduce((sum, entry) => sum + entry.bytes, 0) ?? 0;
    if (replay && (!cheapest || replayBytes < this.snapshotBytes(channel))) {
      for (const { delta } of replay) peer.socket.emit(LiveEvents.delta, delta);
    } else {
      this.sendSnapshot(channel, peer);
    }
  }

  /** What a snapshot of the topic costs: measured when first asked for (most states never are). */
  private snapshotBytes(channel: Channel): number {
    channel.stateBytes ??= JSON.stringify(channel.state).length;
    return channel.stateBytes;
  }

  /** The ring entries after seq `has`, or null when some of them are gone. */
  private replayAfter(channel: Channel, has: number): RingEntry[] | null {
    if (has > channel.seq) return null;
    if (has === channel.seq) return [];
    const oldest = channel.ring[0];
    if (!oldest || oldest.delta.seq > has + 1) return null;
    return channel.ring.slice(has + 1 - oldest.delta.seq);
  }

  private sendSnapshot(channel: Channel, peer: Peer): void {
    peer.socket.emit(LiveEvents.snapshot, {
      topic: channel.key,
      epoch: channel.epoch,
      seq: channel.seq,
      state: channel.state,
      at: channel.at,
    });
  }

  private detach(channel: Channel, peer: Peer): void {
    channel.subscribers.delete(peer);
    peer.behind.delete(channel.key);
    void peer.socket.leave(channel.key);
    if (channel.subscribers.size === 0) this.scheduleIdleDrop(channel);
  }

  private scheduleIdleDrop(channel: Channel): void {
    if (channel.idleTimer) clearTimeout(channel.idleTimer);
    channel.idleSince = Date.now();
    channel.idleTimer = setTimeout(() => {
      channel.idleTimer = null;
      if (channel.subscribers.size === 0 && channel.holds === 0) this.drop(channel);
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
      if (channel.mirrored) this.relay?.unfollow(channel.key);
      else this.source.release?.(channel.topic);
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
   * makes the flush diff the published state against the newest one. Either is published as the
   * source built it: plain JSON (TopicSource), so it needs no round trip through its encoding.
   */
  private stage(channel: Channel, state: unknown, at: string, ops?: PatchOperation[]): void {
    const pending = channel.pending;
    channel.pending = {
      state,
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
    const ops = pending.ops ?? diffStates(channel.state, pending.state);
    if (ops.length === 0) return;
    channel.state = pending.state;
    channel.stateBytes = null;
    channel.lastFlushAt = Date.now();
    const delta: Delta = {
      topic: channel.key,
      epoch: channel.epoch,
      seq: channel.seq + 1,
      ops,
      at: pending.at,
    };
    this.append(channel, delta);
    // Clustered, a delta is published once Redis has it (the relay measures that).
    if (this.relay) this.relay.publish(channel, delta);
    else this.dataPath?.sinceCommit(this.dataPath.commitToPublish, delta.at);
  }

  /** The next delta of the topic's stream (its state already includes it): ring, then subscribers. */
  private append(channel: Channel, delta: Delta): void {
    channel.seq = delta.seq;
    channel.at = delta.at;
    channel.ring.push({ delta, bytes: JSON.stringify(delta).length });
    if (channel.ring.length > this.config.ringSize) channel.ring.shift();
    this.broadcast(channel, delta);
  }

  /**
   * A relayed channel turns computed (this process now leads): it takes what was last published
   * (the previous leader may have published more than was relayed here), then continues it.
   */
  private async compute(channel: Channel): Promise<void> {
    if (!channel.mirrored || channel.dropped) return;
    this.relay!.unfollow(channel.key);
    channel.mirrored = false;
    try {
      const published = await this.relay!.read(channel.key, false);
      if (published) this.adopt(channel, published);
      const state = await this.source.load(channel.topic);
      if (!channel.dropped) this.stage(channel, state, new Date().toISOString());
    } catch (error) {
      this.logger.error(`computing ${channel.key} failed; it keeps its last state`, error);
    }
  }

  /** Reloads a relayed channel from what was last published (after a gap or a new epoch). */
  private resync(channel: Channel): Promise<void> {
    if (channel.reloading) return channel.reloading;
    const run = async () => {
      try {
        const published = await this.relay!.read(channel.key, false);
        if (channel.dropped || !channel.mirrored) return;
        if (!published) {
          // Nothing usable yet (a publish failed; the leader's next one stores a snapshot): ask again.
          setTimeout(() => void this.resync(channel), RESYNC_RETRY_MS).unref();
          return;
        }
        this.adopt(channel, published);
        this.relay!.follow(channel.key, published.cursor);
      } catch (error) {
        this.logger.warn(`reading ${channel.key} from the cluster failed: ${String(error)}`);
      }
    };
    channel.reloading = run().finally(() => {
      channel.reloading = null;
    });
    return channel.reloading;
  }

  /**
   * Takes a published stream as the channel's. Subscribers get what they miss as after any gap:
   * the deltas when they are still kept, a snapshot otherwise.
   */
  private adopt(channel: Channel, stream: RelayedStream): void {
    if (stream.epoch === channel.epoch && stream.seq <= channel.seq) return;
    const has = stream.epoch === channel.epoch ? channel.seq : null;
    channel.epoch = stream.epoch;
    channel.seq = stream.seq;
    channel.state = stream.state;
    channel.stateBytes = null;
    channel.at = stream.at;
    channel.ring = stream.deltas.map((delta) => ({ delta, bytes: JSON.stringify(delta).length }));
    for (const peer of channel.subscribers) {
      if (this.hasRoom(peer)) this.sendMissing(channel, peer, has, false);
      else if (!peer.behind.has(channel.key)) peer.behind.set(channel.key, has);
    }
  }

  /** One encoding for every subscriber with room; the others note that they missed it. */
  private broadcast(channel: Channel, delta: Delta): void {
    if (!this.namespace) return;
    for (const peer of channel.subscribers) {
      if (!this.hasRoom(peer) && !peer.behind.has(channel.key)) peer.behind.set(channel.key, delta.seq - 1);
    }
    this.audience(channel).emit(LiveEvents.delta, delta);
  }

  /** The topic's room without its cut-back sockets. */
  private audience(channel: Channel) {
    const namespace = this.namespace!;
    if (this.cutBack.size === 0) return namespace.to(channel.key);
    return namespace.to(channel.key).except([...this.cutBack].map((peer) => peer.socket.id));
  }

  /**
   * The one gate in front of every send: whether more may be queued for the socket now. A socket
   * past the bounds is cut back until it drains; one past the hard bounds is disconnected.
   */
  private hasRoom(peer: Peer): boolean {
    const stalled = this.stalled(peer);
    if (stalled !== null) {
      this.cutOff(peer, stalled);
      return false;
    }
    if (this.cutBack.has(peer)) return false;
    if (!this.isBackedUp(peer, this.config.maxQueuedBytes)) return true;
    this.cutBack.add(peer);
    this.watchCutBack();
    return false;
  }

  private isBackedUp(peer: Peer, maxBytes: number): boolean {
    return peer.backlog.bytes > maxBytes || peer.backlog.ageMs > this.config.maxQueuedMs;
  }

  /** Why the socket counts as not reading at all, or null. */
  private stalled(peer: Peer): string | null {
    const { bytes, ageMs } = peer.backlog;
    if (bytes > this.config.disconnectQueuedBytes) return `${bytes} bytes queued and unsent`;
    if (ageMs > this.config.disconnectQueuedMs) return `nothing sent to it got out for ${ageMs} ms`;
    return null;
  }

  private cutOff(peer: Peer, reason: string): void {
    this.cutBack.delete(peer);
    peer.behind.clear();
    if (!peer.socket.connected) return;
    this.logger.warn(
      `disconnecting live socket ${peer.socket.id} (${peer.socket.handshake.address}): ${reason}`,
    );
    peer.socket.disconnect(true);
    peer.backlog.abort();
  }

  /** Catches cut-back sockets up once they drain, and cuts off those that never do. */
  private watchCutBack(): void {
    if (this.lagCheck) return;
    this.lagCheck = setInterval(() => {
      for (const peer of [...this.cutBack]) this.catchUp(peer);
      if (this.cutBack.size === 0 && this.lagCheck) {
        clearInterval(this.lagCheck);
        this.lagCheck = null;
      }
    }, this.config.lagCheckMs).unref();
  }

  /**
   * Sends a drained socket what it missed, topic by topic, each as the cheaper of replay and
   * snapshot: never more bytes than the deltas it missed. Stops when it backs up again.
   */
  private catchUp(peer: Peer): void {
    if (!peer.socket.connected) {
      this.cutBack.delete(peer);
      return;
    }
    const stalled = this.stalled(peer);
    if (stalled !== null) {
      this.cutOff(peer, stalled);
      return;
    }
    // Resume once the queue is mostly gone, so a socket at the bound does not flap.
    if (this.isBackedUp(peer, this.config.maxQueuedBytes / 2)) return;
    this.cutBack.delete(peer);
    for (const [key, has] of peer.behind) {
      if (!this.hasRoom(peer)) return;
      peer.behind.delete(key);
      const channel = this.channels.get(key);
      if (channel?.subscribers.has(peer)) this.sendMissing(channel, peer, has, true);
    }
  }

  private sendPositions(): void {
    if (!this.namespace) return;
    const now = Date.now();
    for (const channel of this.channels.values()) {
      if (channel.subscribers.size === 0) continue;
      // A topic that published within the interval needs none: its delta told clients they are
      // live, and a delta they missed shows at the next quiet interval's heartbeat (one interval
      // later, well before they would turn stale). A busy server skips them all.
      if (now - channel.lastFlushAt < this.config.heartbeatMs) continue;
      // Not volatile: socket.io drops a volatile packet while the transport is still writing the
      // previous one, so of a socket's several topics only the first heard its heartbeat and the
      // others turned stale on a quiet wall. A backed-up socket is out of the audience already.
      this.audience(channel).emit(LiveEvents.position, {
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
