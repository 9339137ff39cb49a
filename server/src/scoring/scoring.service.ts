import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  computeScorecard,
  explainScoreChange,
  type PulseConfig,
  type ScoreChange,
  type Scorecard,
  scoreMoved,
  summarizeAccount,
} from '@pulse/domain';
import { FactsRepository, type LoadedFacts, type UnreadableRow } from '../facts/facts.repository.js';
import { type ScoredAccount, ScoresRepository } from './scores.repository.js';

/** Injection token of the KPI thresholds (@pulse/domain's PulseConfig). */
export const KPI_CONFIG = Symbol('KPI_CONFIG');

export interface ScoringOutcome {
  /** Accounts that were scored (ids that no longer exist are left out). */
  accountIds: string[];
  /** Score or colour moves recorded in score_changes. */
  changes: ScoreChange[];
  /** Accounts left unscored; each keeps its last good score. */
  failures: ScoringFailure[];
}

export interface ScoringFailure {
  accountId: string;
  /** The first stored value the engine cannot represent, when that is the cause. */
  unreadable: UnreadableRow | null;
  reason: string;
}

interface LoadedAccounts extends LoadedFacts {
  previous: Map<string, Scorecard>;
}

const noOutcome = (): ScoringOutcome => ({ accountIds: [], changes: [], failures: [] });

function addOutcome(total: ScoringOutcome, part: ScoringOutcome): void {
  total.accountIds.push(...part.accountIds);
  total.changes.push(...part.changes);
  total.failures.push(...part.failures);
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

  /**
   * Rescores the given accounts as of `at`; idempotent, so scoring an account twice is harmless.
   * An account that cannot be scored is reported in `failures` and keeps its last good score; the
   * others are scored all the same.
   */
  async scoreAccounts(accountIds: readonly string[], at: Date = new Date()): Promise<ScoringOutcome> {
    if (accountIds.length === 0) return noOutcome();
    try {
      return await this.scoreLoaded(await this.load(accountIds), at);
    } catch (error) {
      return this.scoreEachAlone(accountIds, at, error);
    }
  }

  /** After a failed round: each account alone, so only the failing ones are left unscored. */
  private async scoreEachAlone(
    accountIds: readonly string[],
    at: Date,
    error: unknown,
  ): Promise<ScoringOutcome> {
    if (accountIds.length === 1) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ...noOutcome(), failures: [{ accountId: accountIds[0]!, unreadable: null, reason }] };
    }
    const outcome = noOutcome();
    for (const accountId of accountIds) addOutcome(outcome, await this.scoreAccounts([accountId], at));
    return outcome;
  }

  private async load(accountIds: readonly string[]): Promise<LoadedAccounts> {
    const [loaded, previous] = await Promise.all([
      this.facts.loadAccountFacts(accountIds),
      this.scores.loadScorecards(accountIds),
    ]);
    return { ...loaded, previous };
  }

  private async scoreLoaded(
    { facts, unreadable, previous }: LoadedAccounts,
    at: Date,
  ): Promise<ScoringOutcome> {
    const asOf = at.toISOString();
    const scored: ScoredAccount[] = [];
    const changes: ScoreChange[] = [];
    const failures = new Map<string, ScoringFailure>();
    // Never scored from a partial picture: an account with an unreadable row keeps its last score.
    for (const row of unreadable) {
      if (!failures.has(row.accountId)) {
        const reason = `${row.column} ${row.reason}`;
        failures.set(row.accountId, { accountId: row.accountId, unreadable: row, reason });
      }
    }
    for (const accountFacts of facts) {
      if (failures.has(accountFacts.account.id)) continue;
      const scorecard = computeScorecard(accountFacts, asOf, this.kpiConfig);
      const summary = summarizeAccount(accountFacts, asOf, this.kpiConfig, scorecard);
      const before = previous.get(accountFacts.account.id);
      if (before && scoreMoved(before, scorecard)) changes.push(explainScoreChange(before, scorecard));
      scored.push({ scorecard, summary });
    }
    await this.scores.save(scored, changes, at);
    return {
      accountIds: scored.map((entry) => entry.scorecard.accountId),
      changes,
      failures: [...failures.values()],
    };
  }

  /** Whether any account has been scored (a database scored before can serve at once). */
  hasScores(): Promise<boolean> {
    return this.scores.hasScores();
  }

  /**
   * Scores every account (start-up and periodic refresh), in chunks, reporting progress. A chunk
   * that fails is scored account by account, so one account cannot stop the pass.
   */
  async scoreAll(at: Date = new Date()): Promise<ScoringOutcome> {
    const started = performance.now();
    const ids = await this.facts.listAccountIds();
    const outcome = noOutcome();
    let lastReport = started;
    // The next chunk loads while this one is scored and written: on Postgres that is another
    // connection, so the database works while Node computes.
    let next = this.load(ids.slice(0, FULL_PASS_CHUNK));
    for (let i = 0; i < ids.length; i += FULL_PASS_CHUNK) {
      const chunk = ids.slice(i, i + FULL_PASS_CHUNK);
      const loading = next;
      const following = ids.slice(i + FULL_PASS_CHUNK, i + 2 * FULL_PASS_CHUNK);
      next = this.load(following);
      // Handled by the `await` on the next turn; this stops Node reporting a failure early.
      next.catch(() => {});
      try {
        addOutcome(outcome, await this.scoreLoaded(await loading, at));
      } catch (error) {
        const alone = await this.scoreEachAlone(chunk, at, error);
        // Not one account of the chunk scores alone: the database is failing, not some account.
        const noneScores = chunk.length > 1 && alone.failures.length === chunk.length;
        if (noneScores && alone.failures.every((failure) => failure.unreadable === null)) throw error;
        addOutcome(outcome, alone);
      }
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
