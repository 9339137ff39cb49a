import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AccountSummary, PulseConfig, ScoreChange, Scorecard } from '@pulse/domain';
import { AlertRaiser } from '../alerts/alert-raiser.service.js';
import { Clock } from '../clock/clock.js';
import { FactsRepository, type ScoringRows, type UnreadableRow } from '../facts/facts.repository.js';
import { ScoresRepository } from './scores.repository.js';
import { ScoringPool } from './scoring-pool.js';

/** Injection token of the KPI thresholds (@pulse/domain's PulseConfig). */
export const KPI_CONFIG = Symbol('KPI_CONFIG');

export interface ScoringOutcome {
  /** Accounts that were scored (ids that no longer exist are left out). */
  accountIds: string[];
  /** Their new summaries, for the views. */
  summaries: AccountSummary[];
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

const noOutcome = (): ScoringOutcome => ({ accountIds: [], summaries: [], changes: [], failures: [] });

function addOutcome(total: ScoringOutcome, part: ScoringOutcome): void {
  total.accountIds.push(...part.accountIds);
  total.summaries.push(...part.summaries);
  total.changes.push(...part.changes);
  total.failures.push(...part.failures);
}

/**
 * Accounts per chunk (one load, one task for the pool, one write): bounds memory, keeps
 * embedded-mode queries short and the main thread's share of each chunk (reading rows, copying
 * them to a thread, writing the results) to a few milliseconds between turns of the event loop.
 */
const CHUNK = 100;

/**
 * Computes account_scores with @pulse/domain and records every score or colour move. The main
 * thread reads each chunk's facts as text and writes results; parsing and scoring run in the
 * ScoringPool's threads.
 */
@Injectable()
export class ScoringService {
  private readonly logger = new Logger('Scoring');

  constructor(
    private readonly facts: FactsRepository,
    private readonly scores: ScoresRepository,
    private readonly pool: ScoringPool,
    @Inject(KPI_CONFIG) private readonly kpiConfig: PulseConfig,
    private readonly alerts: AlertRaiser,
    private readonly clock: Clock,
  ) {}

  /**
   * Rescores the given accounts as of `at`; idempotent, so scoring an account twice is harmless.
   * An account that cannot be scored is reported in `failures` and keeps its last good score; the
   * others are scored all the same. A large batch (a bulk sync) is scored chunk by chunk.
   */
  scoreAccounts(accountIds: readonly string[], at: Date = this.clock.now()): Promise<ScoringOutcome> {
    return this.scoreInChunks(accountIds, at, false);
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

  private async scoreLoaded(
    accounts: number,
    { tables, scorecards }: ScoringRows,
    at: Date,
  ): Promise<ScoringOutcome> {
    const { scored, changes, unreadable } = await this.pool.score(accounts, {
      tables,
      scorecards,
      asOf: at.toISOString(),
      config: this.kpiConfig,
    });
    // Never scored from a partial picture: an account with an unreadable row keeps its last score.
    const failures = new Map<string, ScoringFailure>();
    for (const row of unreadable) {
      if (!failures.has(row.accountId)) {
        const reason = `${row.column} ${row.reason}`;
        failures.set(row.accountId, { accountId: row.accountId, unreadable: row, reason });
      }
    }
    // Alerts go to the outbox in the transaction of the score changes that raised them; the stored
    // scorecards are parsed here only when some alert rule needs them.
    const previous = () => new Map(Object.entries(JSON.parse(scorecards) as Record<string, Scorecard>));
    const outbox = await this.alerts.raise(previous, scored, changes, at, this.kpiConfig);
    await this.scores.save(scored, changes, at, outbox);
    return {
      accountIds: scored.map((entry) => entry.accountId),
      summaries: scored.map((entry) => entry.summary),
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
  async scoreAll(at: Date = this.clock.now()): Promise<ScoringOutcome> {
    const started = performance.now();
    const outcome = await this.scoreInChunks(await this.facts.listAccountIds(), at, true);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    this.logger.log(`Scored ${outcome.accountIds.length} accounts in ${seconds} s`);
    return outcome;
  }

  /**
   * Scores chunk after chunk with a few in flight, so one loads or saves (the database's turn)
   * while the pool's threads score others. `failOnDatabase`: throw instead of reporting every
   * account of a chunk as failed when none of them scores alone (the database failing).
   */
  private async scoreInChunks(
    accountIds: readonly string[],
    at: Date,
    failOnDatabase: boolean,
  ): Promise<ScoringOutcome> {
    const outcome = noOutcome();
    let next = 0;
    let failed = false;
    let lastReport = performance.now();
    const lane = async (): Promise<void> => {
      while (!failed && next < accountIds.length) {
        const chunk = accountIds.slice(next, next + CHUNK);
        next += CHUNK;
        try {
          addOutcome(outcome, await this.scoreChunk(chunk, at, failOnDatabase));
        } catch (error) {
          failed = true;
          throw error;
        }
        if (accountIds.length > CHUNK && performance.now() - lastReport > 2000) {
          lastReport = performance.now();
          this.logger.log(`Scoring: ${outcome.accountIds.length}/${accountIds.length} accounts`);
        }
      }
    };
    const lanes = Math.min(this.pool.threads + 2, Math.ceil(accountIds.length / CHUNK));
    await Promise.all(Array.from({ length: lanes }, lane));
    return outcome;
  }

  private async scoreChunk(
    chunk: readonly string[],
    at: Date,
    failOnDatabase: boolean,
  ): Promise<ScoringOutcome> {
    try {
      return await this.scoreLoaded(chunk.length, await this.facts.loadScoringRows(chunk), at);
    } catch (error) {
      const alone = await this.scoreEachAlone(chunk, at, error);
      // Not one account of the chunk scores alone: the database is failing, not some account.
      const noneScores = chunk.length > 1 && alone.failures.length === chunk.length;
      if (failOnDatabase && noneScores && alone.failures.every((failure) => failure.unreadable === null))
        throw error;
      return alone;
    }
  }
}
