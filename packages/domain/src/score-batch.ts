import type { PulseConfig } from './config.js';
import { explainScoreChange } from './contributions.js';
import type { AccountFacts, IsoInstant } from './facts.js';
import { scoreMoved } from './score-moves.js';
import { computeScorecard } from './scorecard.js';
import { summarizeAccount } from './summary/index.js';
import type { AccountSummary, ScoreChange, Scorecard } from './views.js';

/** What scoring a batch of accounts needs: plain data, so it can be posted to a worker thread. */
export interface ScoreBatchInput {
  facts: AccountFacts[];
  /** The accounts' last stored scorecards, by account id, to record what moved. */
  previous: Map<string, Scorecard>;
  asOf: IsoInstant;
  config: PulseConfig;
}

export interface ScoredAccount {
  scorecard: Scorecard;
  summary: AccountSummary;
}

/**
 * A freshly scored account as it is stored and handed to the views: the scorecard's columns and
 * both documents serialised once, where they were computed (a worker thread for large batches), so
 * the main thread neither stringifies them again to store them nor copies the scorecard back.
 */
export interface StorableScore {
  accountId: string;
  score: number | null;
  color: Scorecard['color'];
  label: string | null;
  asOf: Scorecard['asOf'];
  scorecardJson: string;
  summaryJson: string;
  /** The summary as stored (parsed back from `summaryJson`): equal to one loaded from the database. */
  summary: AccountSummary;
}

export interface ScoreBatchResult {
  scored: StorableScore[];
  /** Score or colour moves against `previous`. */
  changes: ScoreChange[];
}

/**
 * Scores each account and explains the ones whose score or colour moved: all the CPU work of
 * scoring. It throws when any account cannot be scored; the caller then retries each one alone.
 */
export function scoreBatch({ facts, previous, asOf, config }: ScoreBatchInput): ScoreBatchResult {
  const scored: StorableScore[] = [];
  const changes: ScoreChange[] = [];
  for (const accountFacts of facts) {
    const scorecard = computeScorecard(accountFacts, asOf, config);
    const summaryJson = JSON.stringify(summarizeAccount(accountFacts, asOf, config, scorecard));
    const before = previous.get(accountFacts.account.id);
    if (before && scoreMoved(before, scorecard)) changes.push(explainScoreChange(before, scorecard));
    scored.push({
      accountId: scorecard.accountId,
      score: scorecard.score,
      color: scorecard.color,
      label: scorecard.label,
      asOf: scorecard.asOf,
      scorecardJson: JSON.stringify(scorecard),
      summaryJson,
      // Parsed back, not the object itself: JSON drops undefined members, so a handed summary
      // equals a loaded one (views and pages compare them).
      summary: JSON.parse(summaryJson) as AccountSummary,
    });
  }
  return { scored, changes };
}
