import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import type { ChangeBatch } from '../changes/change-batch.js';
import { ChangeFeedReader } from '../changes/change-feed-reader.service.js';
import { FactsRepository } from '../facts/facts.repository.js';
import { TopicHub } from '../live/topic-hub.service.js';
import { DataPathMetrics } from '../metrics/data-path.metrics.js';
import { QuarantineService } from '../quarantine/quarantine.service.js';
import { ScoringService } from '../scoring/scoring.service.js';
import { ViewsService } from '../views/views.service.js';

/** Health depends on time as well as on writes (cadence, staleness): everything is rescored this often. */
const FULL_RESCORE_MS = 60 * 60 * 1000;

/**
 * The live data path after the change feed, in order: rescore the dirty accounts, hand their new
 * summaries to the views, and let the hub publish only the subscribed topics they touch. An account that
 * cannot be scored is handed to the quarantine (retried alone, later) and the rest flow on.
 */
@Injectable()
export class LivePipeline implements OnModuleDestroy {
  private readonly logger = new Logger('LivePipeline');
  private readonly stopListening: () => void;
  private readonly rescoreTimer: NodeJS.Timeout;
  private soonTimer: NodeJS.Timeout | null = null;

  constructor(
    reader: ChangeFeedReader,
    private readonly facts: FactsRepository,
    private readonly scoring: ScoringService,
    private readonly views: ViewsService,
    private readonly hub: TopicHub,
    private readonly quarantine: QuarantineService,
    @Optional() @Inject(DataPathMetrics) private readonly metrics: DataPathMetrics | null = null,
  ) {
    this.stopListening = reader.onBatch((batch) => this.apply(batch));
    // `at` is the commit time a delta carries, on the wall clock: screens show the data's age against theirs.
    quarantine.retryWith((accountIds) => this.rescore(accountIds, new Set(), new Date().toISOString()));
    this.rescoreTimer = setInterval(() => void this.rescoreAll(), FULL_RESCORE_MS).unref();
  }

  onModuleDestroy(): void {
    this.stopListening();
    clearInterval(this.rescoreTimer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
  }

  /** A full rescoring pass in the background, shortly (e.g. after starting on stored scores). */
  scheduleFullRescore(delayMs: number): void {
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.soonTimer = setTimeout(() => void this.rescoreAll(), delayMs).unref();
  }

  /**
   * Rejections make the reader retry the batch, so nothing is lost when the database fails; an
   * account failing on its own does not reject the batch (the quarantine retries it).
   */
  async apply(batch: ChangeBatch): Promise<void> {
    const owned = await this.facts.accountIdsOwnedBy([...batch.memberIds]);
    const dirty = [...new Set([...batch.accountIds, ...owned])];
    await this.rescore(dirty, batch.memberIds, batch.at, batch.global);
  }

  private async rescore(
    accountIds: string[],
    memberIds: ReadonlySet<string>,
    at: string,
    global = false,
  ): Promise<void> {
    const scored = this.metrics?.scoring.startTimer();
    const outcome = await this.scoring.scoreAccounts(accountIds);
    scored?.();
    await this.quarantine.settle(outcome);
    // Once the whole batch is scored: however many chunks a bulk sync took, screens see one step.
    await this.views.update(accountIds, outcome, memberIds.size > 0);
    // Failed accounts too: their topics now show the quarantine.
    await this.hub.onBatch({ accountIds: new Set(accountIds), memberIds, global, at });
  }

  /** Rescores every account and publishes what moved (hourly, and after a start on old scores). */
  async rescoreAll(): Promise<void> {
    try {
      const outcome = await this.scoring.scoreAll();
      await this.quarantine.settle(outcome);
      // Every topic rebuilt from the new summaries, people reloaded: as at start-up.
      await this.views.update('all', outcome, true);
      const failed = outcome.failures.map((failure) => failure.accountId);
      await this.hub.onBatch({
        accountIds: new Set([...outcome.accountIds, ...failed]),
        memberIds: new Set(),
        global: true,
        // Wall clock, like a commit time: screens show the data's age against their own clock.
        at: new Date().toISOString(),
      });
    } catch (error) {
      this.logger.error(`Periodic rescoring failed: ${String(error)}`);
    }
  }
}
