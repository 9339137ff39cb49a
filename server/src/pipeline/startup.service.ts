import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit, Optional } from '@nestjs/common';
import { ChangeFeedReader } from '../changes/change-feed-reader.service.js';
import { DemoSeeder } from '../demo/demo-seeder.service.js';
import { SimulatorService } from '../demo/simulator.service.js';
import { startupPhase } from '../logging/startup-phases.js';
import { QuarantineService } from '../quarantine/quarantine.service.js';
import { ScoringService } from '../scoring/scoring.service.js';
import { ViewsService } from '../views/views.service.js';
import { LivePipeline } from './live-pipeline.service.js';

/** How long after start a database scored before is rescored (health moves with time, too). */
const BACKGROUND_RESCORE_DELAY_MS = 30_000;

/** Provide `true` under this token to run start-up only when `StartupService.lead` is called. */
export const LEAD_ON_DEMAND = Symbol('LEAD_ON_DEMAND');

/**
 * Start-up, before the change feed starts (it starts at application bootstrap): seed an empty demo
 * database and load the views. A database never scored gets a full pass first; changes settled
 * before that pass began are covered by it, so the feed skips them instead of scoring the same
 * accounts twice. A database scored before serves its stored scores at once and is rescored in
 * the background (health moves with time as well as with writes).
 *
 * In a cluster (LEAD_ON_DEMAND) only the leader does this, when it becomes the leader (`lead`);
 * the other processes load the views their API serves and wait.
 */
@Injectable()
export class StartupService implements OnModuleInit, OnApplicationBootstrap {
  private rescoreInBackground = false;

  constructor(
    private readonly seeder: DemoSeeder,
    private readonly reader: ChangeFeedReader,
    private readonly scoring: ScoringService,
    private readonly views: ViewsService,
    private readonly pipeline: LivePipeline,
    private readonly simulator: SimulatorService,
    private readonly quarantine: QuarantineService,
    @Optional() @Inject(LEAD_ON_DEMAND) private readonly leadOnDemand = false,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.leadOnDemand) {
      await this.views.refreshAll();
      return;
    }
    await this.prepare();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.leadOnDemand) await this.begin();
  }

  /** This process now leads the cluster: start-up as a single process does it, then the change feed. */
  async lead(): Promise<void> {
    await this.prepare();
    await this.begin();
    await this.reader.start();
  }

  private async prepare(): Promise<void> {
    await startupPhase('seed', () => this.seeder.seedIfEmpty());
    if (await this.scoring.hasScores()) {
      this.rescoreInBackground = true;
    } else {
      await startupPhase('score', async () => {
        const covered = await this.reader.settledHorizon();
        await this.quarantine.settle(await this.scoring.scoreAll());
        await this.reader.skipBelow(covered);
      });
    }
    await startupPhase('load views', () => this.views.refreshAll());
  }

  private async begin(): Promise<void> {
    // Not at once: on the embedded database the pass holds the one connection for seconds, and the
    // first page after a restart would wait behind it (issue 13: later starts ≤ 5 s to first data).
    if (this.rescoreInBackground) this.pipeline.scheduleFullRescore(BACKGROUND_RESCORE_DELAY_MS);
    await this.simulator.start();
  }
}
