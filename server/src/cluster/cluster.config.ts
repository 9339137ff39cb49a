/** How the Pulse processes of one deployment find each other in Redis (DESIGN.md §9). */
export interface ClusterConfig {
  readonly redisUrl: string;
  /** Prefix of every Redis key and channel, so deployments can share one Redis. */
  readonly keyPrefix: string;
  /** How often a process that does not lead tries to take the leadership. */
  readonly electionMs: number;
  /** A follower's interest in a topic lasts this long unless renewed (renewed every third of it). */
  readonly demandTtlMs: number;
  /** Deltas published per stored snapshot (the stream keeps the ring, so this must be well below it). */
  readonly snapshotEvery: number;
  /** Deltas kept per topic stream (= the hub's recovery ring). */
  readonly ringSize: number;
}

export const CLUSTER_CONFIG = Symbol('CLUSTER_CONFIG');

/** PostgreSQL advisory lock key held by the leader ("pulse" in ASCII). */
export const LEADER_LOCK_KEY = 0x70756c7365;

/** The Redis keys and channels of one deployment. */
export class ClusterKeys {
  constructor(private readonly prefix: string) {}

  /** Fencing token: incremented by each new leader; a publish with an older one is refused. */
  get term(): string {
    return `${this.prefix}leader:term`;
  }
  /** Topics followers want (sorted set: key → expiry in ms). */
  get demand(): string {
    return `${this.prefix}demand`;
  }
  /** Pub/sub: a follower asks for a topic now. */
  get demandChannel(): string {
    return `${this.prefix}demand`;
  }
  /** Pub/sub: the leader published changes (followers refresh the read model of their API). */
  get publishedChannel(): string {
    return `${this.prefix}published`;
  }
  stream(topic: string): string {
    return `${this.prefix}topic:${topic}:stream`;
  }
  snapshot(topic: string): string {
    return `${this.prefix}topic:${topic}:snapshot`;
  }
  refusal(topic: string): string {
    return `${this.prefix}topic:${topic}:refused`;
  }
  topicOfStream(streamKey: string): string {
    return streamKey.slice(`${this.prefix}topic:`.length, -':stream'.length);
  }
}
