import { type DynamicModule, Module } from '@nestjs/common';
import { defaultConfig } from '@pulse/domain';
import { AccessModule } from './access/access.module.js';
import { LiveAccess } from './access/live-access.js';
import { AccountsController } from './api/accounts.controller.js';
import { HealthController } from './api/health.controller.js';
import { KpisController } from './api/kpis.controller.js';
import { TeamMembersController } from './api/team-members.controller.js';
import { ChangesModule } from './changes/changes.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import type { PulseDatabase } from './database/create-database.js';
import { DatabaseModule } from './database/database.module.js';
import { DatabaseHealthRepository } from './database/database-health.repository.js';
import { DemoModule } from './demo/demo.module.js';
import { FactsRepository } from './facts/facts.repository.js';
import { LiveModule } from './live/live.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PipelineModule } from './pipeline/pipeline.module.js';
import { QuarantineModule } from './quarantine/quarantine.module.js';
import { ScoresRepository } from './scoring/scores.repository.js';
import { KPI_CONFIG, ScoringService } from './scoring/scoring.service.js';
import { ScoringPool } from './scoring/scoring-pool.js';
import { ViewsService } from './views/views.service.js';

/** Read model: facts → scores → views, shared by the API and the live gateway. */
@Module({
  imports: [QuarantineModule],
  providers: [
    { provide: KPI_CONFIG, useValue: defaultConfig },
    FactsRepository,
    ScoresRepository,
    ScoringPool,
    ScoringService,
    ViewsService,
  ],
  exports: [KPI_CONFIG, FactsRepository, ScoresRepository, ScoringService, ViewsService, QuarantineModule],
})
export class ReadModelModule {}

@Module({})
export class AppModule {
  static forConfig(config: AppConfig, database: PulseDatabase): DynamicModule {
    const changes = ChangesModule.forRoot();
    const access = AccessModule.forRoot([ReadModelModule]);
    const live = LiveModule.forRoot({
      imports: [ReadModelModule, access],
      topicSource: ViewsService,
      authority: LiveAccess,
      config: {
        coalesceMs: config.coalesceMs,
        allowedOrigins: config.publicOrigins,
        maxSubscriptionsPerSocket: config.maxSubscriptionsPerSocket,
        maxTopics: config.maxTopics,
        maxQueuedBytes: config.socketQueueBytes,
        disconnectQueuedBytes: 4 * config.socketQueueBytes,
      },
    });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forConfig(config),
        DatabaseModule.forDatabase(database),
        MetricsModule,
        ReadModelModule,
        DemoModule,
        access,
        changes,
        live,
        PipelineModule.forRoot([changes, ReadModelModule, live, DemoModule]),
      ],
      controllers: [HealthController, AccountsController, KpisController, TeamMembersController],
      providers: [DatabaseHealthRepository],
    };
  }
}
