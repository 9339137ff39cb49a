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

export interface ScoreBatchResult {
  scored: ScoredAccount[];
  /** Score or colour moves against `previous`. */
  changes: ScoreChange[];
}

/** The summary as stored and sent (JSON): no undefined members, so a handed summary equals a loaded one. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Scores each account and explains the ones whose score or colour moved: all the CPU work of
 * scoring. It throws when any account cannot be scored; the caller then retries each one alone.
 */
export function scoreBatch({ facts, previous, asOf, config }: ScoreBatchInput): ScoreBatchResult {
  const scored: ScoredAccount[] = [];
  const changes: ScoreChange[] = [];
  for (const accountFacts of facts) {
    const scorecard = computeScorecard(accountFacts, asOf, config);
    const summary = summarizeAccount(accountFacts, asOf, config, scorecard);
    const before = previous.get(accountFacts.account.id);
    if (before && scoreMoved(before, scorecard)) changes.push(explainScoreChange(before, scorecard));
    scored.push({ scorecard, summary: asJson(summary) });
  }
  return { scored, changes };
}
