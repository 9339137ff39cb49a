/** Tuning of the change-feed reader (DESIGN.md §3). */
export interface ChangeFeedConfig {
  /** Name of the durable cursor row in change_cursor. */
  cursorName: string;
  /** Start reading when the application boots (false: a cluster's leader starts it when it leads). */
  startOnBoot: boolean;
  /** Safety-net read interval, for doorbells that never rang. */
  pollMs: number;
  /** Re-read delay when committed rows are waiting for an older transaction to settle. */
  settleRetryMs: number;
  /** change_log rows fetched per query. */
  pageSize: number;
  /** Consumed change_log rows are kept this long (for inspection), then pruned. */
  retentionMinutes: number;
  pruneEveryMs: number;
  /** Backoff bounds for re-listening and for retrying failed reads. */
  retryMinMs: number;
  retryMaxMs: number;
}

export const DEFAULT_CHANGE_FEED_CONFIG: ChangeFeedConfig = {
  cursorName: 'scoring',
  startOnBoot: true,
  pollMs: 2_000,
  settleRetryMs: 25,
  pageSize: 5_000,
  retentionMinutes: 10,
  pruneEveryMs: 60_000,
  retryMinMs: 100,
  retryMaxMs: 10_000,
};

export const CHANGE_FEED_CONFIG = Symbol('CHANGE_FEED_CONFIG');

/** The doorbell channel the change_log triggers notify. */
export const CHANGES_CHANNEL = 'pulse_changes';
