import type { PulseConfig, ScoreBatchResult, Scorecard } from '@pulse/domain';
// The module without a source form: pool threads load built code even under the test runner.
import { scoreBatch } from '@pulse/domain/score-batch';
import { assembleFacts } from '../facts/assemble-facts.js';
import type { FactRows } from '../facts/fact-rows.js';
import type { UnreadableRow } from '../facts/row-screen.js';

/** What a pool thread scores: a chunk's facts as the database returned them (JSON text). */
export interface ScoreRowsInput {
  tables: Record<keyof FactRows, string>;
  /** The accounts' stored scorecards, one JSON object by account id. */
  scorecards: string;
  asOf: string;
  config: PulseConfig;
}

export interface ScoreRowsResult extends ScoreBatchResult {
  /** Values out of the engine's bounds; their accounts are not scored (they keep their last score). */
  unreadable: UnreadableRow[];
}

/**
 * Parses, assembles and scores one chunk: the whole CPU part of scoring, in a ScoringPool thread
 * for large batches (the main thread then only reads the statement's text and writes results).
 * Throws when any scorable account cannot be scored, as scoreBatch does.
 */
export function scoreRows({ tables, scorecards, asOf, config }: ScoreRowsInput): ScoreRowsResult {
  const raw = Object.fromEntries(
    Object.entries(tables).map(([table, text]) => [table, JSON.parse(text)]),
  ) as unknown as FactRows;
  const { facts, unreadable } = assembleFacts(raw);
  // Never scored from a partial picture: an account with an unreadable row keeps its last score.
  const unscorable = new Set(unreadable.map((row) => row.accountId));
  const scorable = facts.filter((accountFacts) => !unscorable.has(accountFacts.account.id));
  const previous = new Map(Object.entries(JSON.parse(scorecards) as Record<string, Scorecard>));
  if (scorable.length === 0) return { scored: [], changes: [], unreadable };
  return { ...scoreBatch({ facts: scorable, previous, asOf, config }), unreadable };
}
