import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import type { ScoringFailure } from '../scoring/scoring.service.js';
import { QuarantineRepository } from './quarantine.repository.js';
import { type RetryPolicy, retryDelayMs, shouldQuarantine } from './retry-policy.js';

/** Injection token of the RetryPolicy (tests shorten it). */
export const RETRY_POLICY = Symbol('RETRY_POLICY');

/** What a scoring round did, as far as quarantine is concerned. */
export interface ScoringResult {
  /** Accounts scored successfully. */
  accountIds: readonly string[];
  failures: readonly ScoringFailure[];
}

/**
 * Keeps one account's failures from holding back the others: a failed account is retried alone with
 * exponential backoff and quarantined (persisted, logged, counted) after the policy's attempts, or
 * at once for a row the engine cannot represent; any later successful scoring (the fixing write
 * arriving through the change feed, a retry, the periodic pass) lifts the quarantine.
 */
@Injectable()
export class QuarantineService implements OnModuleDestroy {
  private readonly logger = new Logger('Quarantine');
  /** Failed attempts in a row, per account. */
  private readonly attempts = new Map<string, number>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  /** Quarantined account ids, loaded once: only this process's scoring changes them. */
  private quarantined: Promise<Set<string>> | null = null;
  private retry: (accountIds: string[]) => Promise<void> = async () => {};

  constructor(
    private readonly repository: QuarantineRepository,
    @Inject(RETRY_POLICY) private readonly policy: RetryPolicy,
    metrics: MetricsRegistry,
  ) {
    new Gauge({
      name: 'pulse_quarantined_accounts',
      help: 'Accounts whose score is frozen until an unreadable row is fixed or scoring succeeds again',
      registers: [metrics],
      // Read from the table, so every process reports the same number.
      async collect() {
        try {
          this.set(await repository.count());
        } catch {
          // Database unreachable: keep the last count (/api/health reports the outage).
        }
      },
    });
  }

  onModuleDestroy(): void {
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
  }

  /** How a failed account is rescored alone (the pipeline, so views and topics follow). */
  retryWith(retry: (accountIds: string[]) => Promise<void>): void {
    this.retry = retry;
  }

  /** Records a scoring round: successes lift quarantine, failures are retried or quarantined. */
  async settle({ accountIds, failures }: ScoringResult): Promise<void> {
    const quarantined = await this.quarantinedIds();
    for (const id of accountIds) this.forgetFailures(id);
    const recovered = accountIds.filter((id) => quarantined.has(id));
    for (const id of await this.repository.release(recovered)) {
      quarantined.delete(id);
      this.logger.log(`Account ${id} recovered from quarantine: it scored again`);
    }
    for (const failure of failures) await this.recordFailure(failure, quarantined);
  }

  private async recordFailure(failure: ScoringFailure, quarantined: Set<string>): Promise<void> {
    const { accountId, unreadable, reason } = failure;
    const attempts = (this.attempts.get(accountId) ?? 0) + 1;
    this.attempts.set(accountId, attempts);
    if (quarantined.has(accountId) || shouldQuarantine(attempts, unreadable !== null, this.policy)) {
      await this.repository.put({
        accountId,
        table: unreadable?.table ?? null,
        rowId: unreadable?.rowId ?? null,
        column: unreadable?.column ?? null,
        value: unreadable?.value ?? null,
        reason,
        attempts,
      });
      if (!quarantined.has(accountId)) {
        quarantined.add(accountId);
        const where = unreadable
          ? `${unreadable.table} row ${unreadable.rowId}, column ${unreadable.column} = '${unreadable.value}'`
          : `after ${attempts} failed attempts`;
        this.logger.warn(
          `Account ${accountId} quarantined (${where}): ${reason}. Its score stays frozen until it scores again`,
        );
      }
    }
    this.scheduleRetry(accountId, retryDelayMs(attempts, this.policy));
  }

  private scheduleRetry(accountId: string, delayMs: number): void {
    clearTimeout(this.retryTimers.get(accountId));
    const timer = setTimeout(() => {
      this.retryTimers.delete(accountId);
      this.retry([accountId]).catch((error: unknown) =>
        this.logger.error(`Retrying account ${accountId} failed: ${String(error)}`),
      );
    }, delayMs);
    this.retryTimers.set(accountId, timer.unref());
  }

  private forgetFailures(accountId: string): void {
    this.attempts.delete(accountId);
    clearTimeout(this.retryTimers.get(accountId));
    this.retryTimers.delete(accountId);
  }

  private quarantinedIds(): Promise<Set<string>> {
    if (!this.quarantined) {
      this.quarantined = this.repository.list().then((rows) => new Set(rows.map((row) => row.accountId)));
      // A failed read is tried again next time instead of being remembered.
      this.quarantined.catch(() => {
        this.quarantined = null;
      });
    }
    return this.quarantined;
  }
}
