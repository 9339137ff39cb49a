/** Tuning of the live stream (DESIGN.md §4). */
export interface LiveConfig {
  /** Changes to one topic within this window go out as one delta (the first one at once). */
  coalesceMs: number;
  /** Recent deltas kept per topic for recovery by `since`. */
  ringSize: number;
  /** Interval of `position` heartbeats. */
  heartbeatMs: number;
  /** A topic nobody watches is kept this long (cheap reconnects), then dropped. */
  idleTopicGraceMs: number;
  /** A socket with more packets than this waiting in its send buffer is a slow client… */
  maxPendingPackets: number;
  /** …as is one with more bytes than this handed to the websocket but not yet sent. */
  maxBufferedBytes: number;
  /** How often slow clients are checked for having drained (to send them a fresh snapshot). */
  lagCheckMs: number;
}

export const DEFAULT_LIVE_CONFIG: LiveConfig = {
  coalesceMs: 50,
  ringSize: 256,
  heartbeatMs: 5_000,
  idleTopicGraceMs: 30_000,
  maxPendingPackets: 256,
  maxBufferedBytes: 4 * 1024 * 1024,
  lagCheckMs: 250,
};

export const LIVE_CONFIG = Symbol('LIVE_CONFIG');
