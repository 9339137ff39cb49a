import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Clock } from '../clock/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { FactHistoryRepository } from './fact-history.repository.js';

const DAY_MS = 86_400_000;

/**
 * Prunes the facts history to PULSE_HISTORY_RETENTION_DAYS (default 3 years): once at start and then
 * daily. A version is pruned when it ended before the horizon, so as-of views stay exact back to it.
 */
@Injectable()
export class HistoryRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('History');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly history: FactHistoryRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.prune();
    this.timer = setInterval(() => {
      this.running = this.prune();
    }, DAY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** The oldest instant as-of views can still show exactly. */
  horizon(now: Date = this.clock.now()): Date {
    return new Date(now.getTime() - this.config.historyRetentionDays * DAY_MS);
  }

  async prune(now: Date = this.clock.now()): Promise<number> {
    try {
      const pruned = await this.history.pruneEndedBefore(this.horizon(now));
      if (pruned > 0)
        this.logger.log(
          `pruned ${pruned} facts history versions older than ${this.config.historyRetentionDays} days`,
        );
      return pruned;
    } catch (error) {
      this.logger.error(`pruning the facts history failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
