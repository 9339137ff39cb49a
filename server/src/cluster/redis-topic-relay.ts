import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import type { Delta, PatchOperation } from '@pulse/protocol';
import jsonpatch from 'fast-json-patch';
import { Redis } from 'ioredis';
import type { PublishedStream, RelayedStream, TopicRelay } from '../live/topic-relay.js';
import { TopicLoadError } from '../live/topic-source.js';
import { DataPathMetrics } from '../metrics/data-path.metrics.js';
import { CLUSTER_CONFIG, type ClusterConfig, ClusterKeys } from './cluster.config.js';
import { ClusterMetrics } from './cluster.metrics.js';

/** A stored snapshot: the topic's state at `seq`; the stream holds the deltas after it. */
interface StoredSnapshot {
  epoch: string;
  seq: number;
  at: string;
  state: unknown;
}

/**
 * Publishes only while this process's term is the newest (fencing): a leader that lost its lock
 * without noticing cannot write after its successor took over. The delta and the snapshot that
 * includes it are stored together, so a reader never sees one without the other.
 */
const PUBLISH_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED this process no longer leads') end
if ARGV[3] ~= '' then redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'd', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[4]) end
redis.call('PERSIST', KEYS[2])
return 1`;

/** How long a follower waits for the leader to publish a topic it asked for. */
const FIRST_SNAPSHOT_TIMEOUT_MS = 15_000;
/** Abandoned topics (nobody computes them) vanish from Redis after this long. */
const ABANDONED_TTL_SECONDS = 3_600;
/** Entries read per blocking read. */
const READ_COUNT = 500;

export type DeltaReceiver = (delta: Delta, ops: PatchOperation[]) => void;

/**
 * The TopicRelay over Redis (DESIGN.md §9): a capped stream per topic (`{epoch, seq, ops, at}`
 * entries, the recovery ring) and its snapshot under a key. Followers read a topic as the newest
 * snapshot plus the entries after it, then follow the stream with one blocking XREAD over every
 * topic they relay; each entry is parsed once and handed to the hub, which encodes it once for all
 * its sockets.
 */
@Injectable()
export class RedisTopicRelay implements TopicRelay, OnModuleDestroy {
  private readonly logger = new Logger('Cluster');
  readonly keys: ClusterKeys;
  /** Publishing and reading. */
  readonly commands: Redis;
  /** Blocking reads of the followed streams only. */
  private readonly reader: Redis;
  /** Stream cursor per followed topic. */
  private readonly followed = new Map<string, string>();
  /** Topics whose next publish must store a snapshot (after a failed publish). */
  private readonly snapshotDue = new Set<string>();
  private receiver: DeltaReceiver = () => {};
  private readerId: number | null = null;
  private reading = false;
  private stopped = false;
  /** The leader's fencing token (null on followers). */
  term: string | null = null;
  /** Called when a publish was refused because another process leads now. */
  onFenced: () => void = () => {};

  constructor(
    @Inject(CLUSTER_CONFIG) private readonly config: ClusterConfig,
    private readonly metrics: ClusterMetrics,
    @Optional() @Inject(DataPathMetrics) private readonly dataPath: DataPathMetrics | null = null,
  ) {
    this.keys = new ClusterKeys(config.keyPrefix);
    // Commands are not queued while disconnected: a caller learns at once that Redis is gone.
    const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    this.commands = new Redis(config.redisUrl, { ...options, connectionName: 'pulse-commands' });
    this.reader = new Redis(config.redisUrl, { ...options, connectionName: 'pulse-reader' });
    this.commands.defineCommand('pulsePublish', { numberOfKeys: 3, lua: PUBLISH_SCRIPT });
    this.reader.on('ready', () => {
      void this.reader.client('ID').then((id) => {
        this.readerId = Number(id);
      });
      this.readLoop();
    });
  }

  /** Connects both connections; rejects when Redis cannot be reached. */
  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.reader.connect()]);
  }

  /** Both connections are up. */
  get ready(): boolean {
    return this.commands.status === 'ready' && this.reader.status === 'ready';
  }

  deliverTo(receiver: DeltaReceiver): void {
    this.receiver = receiver;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.commands.disconnect();
    this.reader.disconnect();
  }

  async read(key: string, wait: boolean): Promise<RelayedStream | null> {
    if (!wait) return this.readStored(key);
    await this.want([key]);
    const deadline = Date.now() + FIRST_SNAPSHOT_TIMEOUT_MS;
    for (;;) {
      const stored = await this.readStored(key);
      if (stored) return stored;
      const refusal = await this.commands.get(this.keys.refusal(key));
      if (refusal) {
        const { code, message } = JSON.parse(refusal) as { code: TopicLoadError['code']; message: string };
        throw new TopicLoadError(code, message);
      }
      if (Date.now() > deadline)
        throw new Error(`no leader published ${key} within ${FIRST_SNAPSHOT_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Registers (or renews) followers' interest in topics, and wakes the leader for new ones. */
  async want(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const expiry = Date.now() + this.config.demandTtlMs;
    const batch = this.commands.multi().zadd(this.keys.demand, ...keys.flatMap((key) => [expiry, key]));
    for (const key of keys) batch.publish(this.keys.demandChannel, key);
    await batch.exec();
  }

  /** Topics some follower wanted recently (read by the leader); forgets expired interest. */
  async wanted(): Promise<string[]> {
    const now = Date.now();
    const [, live] = (await this.commands
      .multi()
      .zremrangebyscore(this.keys.demand, '-inf', String(now))
      .zrange(this.keys.demand, '0', '-1')
      .exec())!;
    return live![1] as string[];
  }

  follow(key: string, cursor: string): void {
    this.followed.set(key, cursor);
    this.interruptRead();
  }

  unfollow(key: string): void {
    if (this.followed.delete(key)) this.interruptRead();
  }

  get followedTopics(): string[] {
    return [...this.followed.keys()];
  }

  publish(stream: PublishedStream, delta: Delta | null): void {
    if (this.term === null) return;
    const key = stream.key;
    const due = delta === null || this.snapshotDue.has(key) || stream.seq % this.config.snapshotEvery === 0;
    const snapshot: StoredSnapshot | null = due
      ? { epoch: stream.epoch, seq: stream.seq, at: stream.at, state: stream.state }
      : null;
    this.snapshotDue.delete(key);
    const started = performance.now();
    (
      this.commands as unknown as {
        pulsePublish(...args: (string | number)[]): Promise<unknown>;
      }
    )
      .pulsePublish(
        this.keys.term,
        this.keys.stream(key),
        this.keys.snapshot(key),
        this.term,
        this.config.ringSize,
        delta ? JSON.stringify(delta) : '',
        snapshot ? JSON.stringify(snapshot) : '',
      )
      .then(
        () => {
          this.metrics.published((performance.now() - started) / 1000);
          if (delta) this.dataPath?.sinceCommit(this.dataPath.commitToPublish, delta.at);
          this.announce();
        },
        (error: Error) => {
          if (error.message.startsWith('FENCED')) {
            this.onFenced();
            return;
          }
          // Followers reading past the missing entry find a gap and reload the next snapshot.
          this.snapshotDue.add(key);
          this.logger.warn(`publishing ${key} failed (the next publish stores a snapshot): ${error.message}`);
        },
      );
  }

  refuse(key: string, code: string, message: string): void {
    this.commands.set(this.keys.refusal(key), JSON.stringify({ code, message }), 'EX', 10).catch(() => {});
  }

  /** The leader stopped computing a topic: it vanishes unless someone opens it again. */
  abandon(key: string): void {
    this.commands
      .multi()
      .expire(this.keys.stream(key), ABANDONED_TTL_SECONDS)
      .expire(this.keys.snapshot(key), ABANDONED_TTL_SECONDS)
      .exec()
      .catch(() => {});
  }

  private announceTimer: NodeJS.Timeout | null = null;

  /** Tells followers (at most every 250 ms) that scores moved, for their API's read model. */
  private announce(): void {
    if (this.announceTimer) return;
    this.announceTimer = setTimeout(() => {
      this.announceTimer = null;
      this.commands.publish(this.keys.publishedChannel, '1').catch(() => {});
    }, 250);
    this.announceTimer.unref();
  }

  /**
   * The newest snapshot and the entries of its epoch, read in one transaction. Null when there is
   * none, or when the entries after it have a gap (a publish failed; the leader stores a fresh
   * snapshot with its next one).
   */
  private async readStored(key: string): Promise<RelayedStream | null> {
    const [[, raw], [, entries]] = (await this.commands
      .multi()
      .get(this.keys.snapshot(key))
      .xrange(this.keys.stream(key), '-', '+')
      .exec())! as [[null, string | null], [null, [string, string[]][]]];
    if (raw === null) return null;
    const snapshot = JSON.parse(raw) as StoredSnapshot;
    let state = snapshot.state;
    let seq = snapshot.seq;
    let at = snapshot.at;
    const deltas: Delta[] = [];
    for (const [, fields] of entries) {
      const delta = JSON.parse(fields[1]!) as Delta;
      if (delta.epoch !== snapshot.epoch) continue;
      if (deltas.length > 0 && delta.seq !== deltas[deltas.length - 1]!.seq + 1) deltas.length = 0;
      deltas.push(delta);
      if (delta.seq <= seq) continue;
      if (delta.seq !== seq + 1) return null;
      state = jsonpatch.applyPatch(state, JSON.parse(fields[1]!).ops, false, true).newDocument;
      seq = delta.seq;
      at = delta.at;
    }
    const cursor = entries.length > 0 ? entries[entries.length - 1]![0] : '0-0';
    return { epoch: snapshot.epoch, seq, state, at, deltas: deltas.filter((d) => d.seq <= seq), cursor };
  }

  private interruptRead(): void {
    if (this.readerId !== null && this.reading) {
      this.commands.client('UNBLOCK', String(this.readerId)).catch(() => {});
    } else {
      this.readLoop();
    }
  }

  /** One blocking XREAD over every followed stream at a time, until nothing is followed. */
  private readLoop(): void {
    if (this.reading || this.stopped) return;
    this.reading = true;
    void (async () => {
      try {
        while (!this.stopped && this.followed.size > 0 && this.reader.status === 'ready') {
          const keys = [...this.followed.keys()];
          const reply = (await this.reader.xread(
            'COUNT',
            READ_COUNT,
            'BLOCK',
            5_000,
            'STREAMS',
            ...keys.map((key) => this.keys.stream(key)),
            ...keys.map((key) => this.followed.get(key)!),
          )) as [string, [string, string[]][]][] | null;
          for (const [streamKey, entries] of reply ?? []) {
            const key = this.keys.topicOfStream(streamKey);
            for (const [id, fields] of entries) {
              if (!this.followed.has(key)) break;
              this.followed.set(key, id);
              this.receiver(JSON.parse(fields[1]!) as Delta, JSON.parse(fields[1]!).ops);
            }
          }
        }
      } catch (error) {
        if (!this.stopped) this.logger.warn(`reading topic streams failed: ${String(error)}`);
      } finally {
        this.reading = false;
      }
    })();
  }
}
