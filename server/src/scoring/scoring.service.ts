import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type AccountFacts,
  computeScorecard,
  explainScoreChange,
  type PulseConfig,
  type ScoreChange,
  type Scorecard,
  scoreMoved,
  summarizeAccount,
} from '@pulse/domain';
import { FactsRepository } from '../facts/facts.repository.js';
import { type ScoredAccount, ScoresRepository } from './scores.repository.js';

/** Injection token of the KPI thresholds (@pulse/domain's PulseConfig). */
export const KPI_CONFIG = Symbol('KPI_CONFIG');

export interface ScoringOutcome {
  /** Accounts that were scored (ids that no longer exist are left out). */
  accountIds: string[];
  /** Score or colour moves recorded in score_changes. */
  changes: ScoreChange[];
}

interface LoadedAccounts {
  facts: AccountFacts[];
  previous: Map<string, Scorecard>;
}

/** Accounts per round trip of a full pass: bounds memory and keeps embedded-mode queries short. */
const FULL_PASS_CHUNK = 100;

/** Computes account_scores with @pulse/domain and records every score or colour move. */
@Injectable()
export class ScoringService {
  private readonly logger = new Logger('Scoring');

  constructor(
    private readonly facts: FactsRepository,
    private readonly scores: ScoresRepository,
    @Inject(KPI_CONFIG) private readonly kpiConfig: PulseConfig,
  ) {}

  /** Rescores the given accounts as of `at`; idempotent, so scoring an account twice is harmless. */
  async scoreAccounts(accountIds: readonly string[], at: Date = new Date()): Promise<ScoringOutcome> {
    if (accountIds.length === 0) return { accountIds: [], changes: [] };
    return this.scoreLoaded(await this.load(accountIds), at);
  }

  private async load(accountIds: readonly string[]): Promise<LoadedAccounts> {
    const [facts, previous] = await Promise.all([
      this.facts.loadAccountFacts(accountIds),
      this.scores.loadScorecards(accountIds),
    ]);
    return { facts, previous };
  }

  private async scoreLoaded({ facts, previous }: LoadedAccounts, at: Date): Promise<ScoringOutcome> {
    const asOf = at.toISOString();
    const scored: ScoredAccount[] = [];
    const changes: ScoreChange[] = [];
    for (const accountFacts of facts) {
      const scorecard = computeScorecard(accountFacts, asOf, this.kpiConfig);
      const summary = summarizeAccount(accountFacts, asOf, this.kpiConfig, scorecard);
      const before = previous.get(accountFacts.account.id);
      if (before && scoreMoved(before, scorecard)) changes.push(explainScoreChange(before, scorecard));
      scored.push({ scorecard, summary });
    }
    await this.scores.save(scored, changes, at);
    return { accountIds: scored.map((entry) => entry.scorecard.accountId), changes };
  }

  /** Whether any account has been scored (a database scored before can serve at once). */
  hasScores(): Promise<boolean> {
    return this.scores.hasScores();
  }

  /** Scores every account (start-up and periodic refresh), in chunks, reporting progress. */
  async scoreAll(at: Date = new Date()): Promise<ScoringOutcome> {
    const started = performance.now();
    const ids = await this.facts.listAccountIds();
    const outcome: ScoringOutcome = { accountIds: [], changes: [] };
    let lastReport = started;
    // The next chunk loads while this one is scored and written: on Postgres that is another
    // connection, so the database works while Node computes.
    let next = this.load(ids.slice(0, FULL_PASS_CHUNK));
    for (let i = 0; i < ids.length; i += FULL_PASS_CHUNK) {
      const loaded = await next;
      const following = ids.slice(i + FULL_PASS_CHUNK, i + 2 * FULL_PASS_CHUNK);
      next = this.load(following);
      // Handled by the `await` above on the next turn; this stops Node reporting a failure early.
      next.catch(() => {});
      const part = await this.scoreLoaded(loaded, at);
      outcome.accountIds.push(...part.accountIds);
      outcome.changes.push(...part.changes);
      if (performance.now() - lastReport > 2000) {
        lastReport = performance.now();
        this.logger.log(`Scoring: ${outcome.accountIds.length}/${ids.length} accounts`);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    this.logger.log(`Scored ${outcome.accountIds.length} accounts in ${seconds} s`);
    return outcome;
  }
}
