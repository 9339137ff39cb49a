import type { Delta } from '@pulse/protocol';

/** A topic's stream as last published: its position and state, and the deltas kept behind it. */
export interface RelayedStream {
  readonly epoch: string;
  readonly seq: number;
  readonly state: unknown;
  readonly at: string;
  /** Consecutive deltas ending at `seq`, oldest first (what a `since` may replay). */
  readonly deltas: Delta[];
  /** Where following the stream resumes (opaque to the hub). */
  readonly cursor: string;
}

/** A topic's published position and state, as the leader hands it to the relay. */
export interface PublishedStream {
  readonly key: string;
  readonly epoch: string;
  readonly seq: number;
  readonly state: unknown;
  readonly at: string;
}

/**
 * The hub's link to the other Pulse processes (server/cluster, only with REDIS_URL). One process
 * at a time leads: its hub computes topics as a single process does and publishes every delta
 * through the relay; the hubs of the others follow, taking epoch, seq and ops from what was
 * published instead of stamping their own, so a client may resume on any process.
 */
export interface TopicRelay {
  /** Connected to the other processes: sockets may be served. */
  readonly ready: boolean;
  /**
   * The topic's stream as published. `wait`: a follower asking for a topic nobody computes yet
   * has the leader open it and waits for its first snapshot (throws TopicLoadError when the
   * leader refuses the topic). Without `wait`, null when nothing usable was published.
   */
  read(key: string, wait: boolean): Promise<RelayedStream | null>;
  /** Hands the topic's next published deltas to `TopicHub.receive`, from `cursor` on. */
  follow(key: string, cursor: string): void;
  unfollow(key: string): void;
  /** The leader published a delta (null: the topic was just opened and needs its snapshot stored). */
  publish(stream: PublishedStream, delta: Delta | null): void;
  /** The leader could not compute a topic a follower asked for: tell the follower why. */
  refuse(key: string, code: string, message: string): void;
}

export const TOPIC_RELAY = Symbol('TOPIC_RELAY');
