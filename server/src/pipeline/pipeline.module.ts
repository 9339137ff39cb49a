import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { LivePipeline } from './live-pipeline.service.js';
import { StartupService } from './startup.service.js';

/**
 * The data path in order: change feed → scoring → views → live topics, at start-up (StartupService)
 * and for every batch after (LivePipeline). `imports` are the modules of each stage, the same
 * instances the application imports (the change feed, the read model, the live hub, the demo).
 */
@Module({})
export class PipelineModule {
  static forRoot(imports: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: PipelineModule,
      imports,
      providers: [StartupService, LivePipeline],
      exports: [LivePipeline],
    };
  }
}
