/** Tuning and limits of the live stream (DESIGN.md §4 and §6). */
export interface LiveConfig {
  /** Changes to one topic within this window go out as one delta (the first one at once). */
  coalesceMs: number;
  /** Recent deltas kept per topic for recovery by `since`. */
  ringSize: number;
  /** Interval of `position` heartbeats. */
  heartbeatMs: number;
  /** A topic nobody watches is kept this long (cheap reconnects), then dropped. */
  idleTopicGraceMs: number;
  /**
   * A socket with more bytes than this queued (whatever the event), or whose oldest queued byte
   * has waited longer than `maxQueuedMs`, is cut back: nothing more is queued for it until it
   * drains, then it gets what it missed.
   */
  maxQueuedBytes: number;
  maxQueuedMs: number;
  /** Past these a socket is disconnected: it is not reading. */
  disconnectQueuedBytes: number;
  disconnectQueuedMs: number;
  /** How often cut-back sockets are checked for having drained. */
  lagCheckMs: number;
  /** Subscriptions one socket may hold. */
  maxSubscriptionsPerSocket: number;
  /** Distinct topics one process streams (idle topics in their grace period make room). */
  maxTopics: number;
  /**
   * Origins (`scheme://host[:port]`) whose pages may open the socket; empty means same-origin
   * only. Requests without an Origin header (not from a browser) are always allowed.
   */
  allowedOrigins: readonly string[];
}

export const DEFAULT_LIVE_CONFIG: LiveConfig = {
  coalesceMs: 50,
  ringSize: 256,
  heartbeatMs: 5_000,
  idleTopicGraceMs: 30_000,
  maxQueuedBytes: 4 * 1024 * 1024,
  maxQueuedMs: 5_000,
  disconnectQueuedBytes: 16 * 1024 * 1024,
  disconnectQueuedMs: 30_000,
  lagCheckMs: 250,
  maxSubscriptionsPerSocket: 100,
  maxTopics: 1_000,
  allowedOrigins: [],
};

export const LIVE_CONFIG = Symbol('LIVE_CONFIG');
