/** What one read of the change feed found: every dirty account and person, deduplicated. */
export interface ChangeBatch {
  accountIds: Set<string>;
  memberIds: Set<string>;
  /** Facts tables written. */
  tables: Set<string>;
  /** Some change is tied to no account and no person (e.g. a program session): may touch anything. */
  global: boolean;
  /** ISO time of the newest change (its transaction's start: `now()` in the trigger). */
  at: string;
  /** change_log rows behind the batch. */
  rowCount: number;
}
