import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { LivePipeline } from './live-pipeline.service.js';
import { LEAD_ON_DEMAND, StartupService } from './startup.service.js';

/**
 * The data path in order: change feed → scoring → views → live topics, at start-up (StartupService)
 * and for every batch after (LivePipeline). `imports` are the modules of each stage, the same
 * instances the application imports (the change feed, the read model, the live hub, the demo).
 * `leadOnDemand`: a cluster process, which starts the pipeline only once it leads.
 */
@Module({})
export class PipelineModule {
  static forRoot(imports: NonNullable<ModuleMetadata['imports']>, leadOnDemand = false): DynamicModule {
    return {
      module: PipelineModule,
      imports,
      providers: [StartupService, LivePipeline, { provide: LEAD_ON_DEMAND, useValue: leadOnDemand }],
      exports: [LivePipeline, StartupService],
    };
  }
}
