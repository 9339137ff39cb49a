/** How an account whose scoring failed is retried alone, and when it is quarantined. */
export interface RetryPolicy {
  /** Failed attempts after which the account is quarantined (an unreadable row: at once). */
  quarantineAfter: number;
  /** Delay before the first retry; doubled after each further failure. */
  firstDelayMs: number;
  /** Longest delay: a quarantined account is still retried this often. */
  maxDelayMs: number;
}

export const SCORING_RETRY_POLICY: RetryPolicy = {
  quarantineAfter: 3,
  firstDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
};

/** Wait before retrying an account that has failed `attempts` times in a row. */
export function retryDelayMs(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.firstDelayMs * 2 ** Math.max(0, attempts - 1), policy.maxDelayMs);
}

/**
 * Whether the account is quarantined after `attempts` failures in a row. A row the engine cannot
 * represent stays unreadable until someone fixes it, so retrying first would only delay the signal.
 */
export function shouldQuarantine(attempts: number, unreadableRow: boolean, policy: RetryPolicy): boolean {
  return unreadableRow || attempts >= policy.quarantineAfter;
}
