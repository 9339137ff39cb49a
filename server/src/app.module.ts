import { type DynamicModule, Module } from '@nestjs/common';
import { defaultConfig } from '@pulse/domain';
import { LoggerModule, type Params } from 'nestjs-pino';
import { AccessModule } from './access/access.module.js';
import { LiveAccess } from './access/live-access.js';
import { AlertRaiser } from './alerts/alert-raiser.service.js';
import { AlertRulesCache } from './alerts/alert-rules.cache.js';
import { AlertsModule } from './alerts/alerts.module.js';
import { AlertsRepository } from './alerts/alerts.repository.js';
import { AccountsController } from './api/accounts.controller.js';
import { BriefsController } from './api/briefs.controller.js';
import { CalibrationController } from './api/calibration.controller.js';
import { HealthController } from './api/health.controller.js';
import { HelpController, KpisController } from './api/kpis.controller.js';
import { TeamMembersController } from './api/team-members.controller.js';
import { BriefCheckpointsRepository } from './briefs/brief-checkpoints.repository.js';
import { BriefsService } from './briefs/briefs.service.js';
import { CalibrationService } from './calibration/calibration.service.js';
import { ChangesModule } from './changes/changes.module.js';
import { type Clock, ClockModule } from './clock/clock.js';
import { ClusterModule, ClusterRelayModule } from './cluster/cluster.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import type { PulseDatabase } from './database/create-database.js';
import { DatabaseModule } from './database/database.module.js';
import { DatabaseHealthRepository } from './database/database-health.repository.js';
import { DemoModule } from './demo/demo.module.js';
import { ExportController } from './export/export.controller.js';
import { AsOfFactsRepository } from './facts/as-of-facts.repository.js';
import { FactsRepository } from './facts/facts.repository.js';
import { FactHistoryRepository } from './history/fact-history.repository.js';
import { HistoryRetentionService } from './history/history-retention.service.js';
import { IngestModule } from './ingest/ingest.module.js';
import { DEFAULT_LIVE_CONFIG } from './live/live.config.js';
import { LiveModule } from './live/live.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PipelineModule } from './pipeline/pipeline.module.js';
import { QuarantineModule } from './quarantine/quarantine.module.js';
import { ScoresRepository } from './scoring/scores.repository.js';
import { KPI_CONFIG, ScoringService } from './scoring/scoring.service.js';
import { ScoringPool } from './scoring/scoring-pool.js';
import { AccountSearchRepository } from './search/account-search.repository.js';
import { AsOfViewsService } from './views/as-of-views.service.js';
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
    AlertsRepository,
    AlertRulesCache,
    AlertRaiser,
    AsOfFactsRepository,
    AsOfViewsService,
    FactHistoryRepository,
    HistoryRetentionService,
    CalibrationService,
    BriefCheckpointsRepository,
    BriefsService,
  ],
  exports: [
    KPI_CONFIG,
    FactsRepository,
    ScoresRepository,
    ScoringService,
    ViewsService,
    QuarantineModule,
    AlertsRepository,
    AlertRulesCache,
    AsOfViewsService,
    HistoryRetentionService,
    CalibrationService,
    BriefsService,
    QuarantineModule,
  ],
})
export class ReadModelModule {}

@Module({})
export class AppModule {
  /** `logging`: JSON logs (nestjs-pino), also of every HTTP request; unset in tests that pick their logger. */
  static forConfig(
    config: AppConfig,
    database: PulseDatabase,
    clock: Clock,
    logging?: Params,
  ): DynamicModule {
    const clustered = config.redisUrl !== null;
    // Clustered, only the leader reads the change feed (from when it is elected).
    const changes = ChangesModule.forRoot({ startOnBoot: !clustered });
    const relay = clustered
      ? ClusterRelayModule.forRoot({
          redisUrl: config.redisUrl!,
          keyPrefix: config.redisKeyPrefix,
          electionMs: 1_000,
          demandTtlMs: 15_000,
          snapshotEvery: 32,
          ringSize: DEFAULT_LIVE_CONFIG.ringSize,
        })
      : null;
    const access = AccessModule.forRoot([ReadModelModule]);
    const live = LiveModule.forRoot({
      imports: relay ? [ReadModelModule, access, relay] : [ReadModelModule, access],
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
    const pipeline = PipelineModule.forRoot([changes, ReadModelModule, live, DemoModule], clustered);
    return {
      module: AppModule,
      imports: [
        ...(logging ? [LoggerModule.forRoot(logging)] : []),
        ConfigModule.forConfig(config),
        ClockModule.forClock(clock),
        DatabaseModule.forDatabase(database),
        MetricsModule,
        ReadModelModule,
        DemoModule,
        IngestModule,
        access,
        changes,
        live,
        AlertsModule.forRoot(ReadModelModule, access),
        pipeline,
        ...(relay
          ? [ClusterModule.forRoot(config.databaseUrl!, [relay, live, pipeline, ReadModelModule])]
          : []),
      ],
      controllers: [
        HealthController,
        AccountsController,
        KpisController,
        HelpController,
        TeamMembersController,
        ExportController,
        CalibrationController,
        BriefsController,
      ],
      providers: [DatabaseHealthRepository, AccountSearchRepository],
    };
  }
}
