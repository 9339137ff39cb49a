import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { DEFAULT_LIVE_CONFIG, LIVE_CONFIG, type LiveConfig } from './live.config.js';
import { LiveGateway } from './live.gateway.js';
import { LIVE_AUTHORITY } from './live-authority.js';
import { TopicHub } from './topic-hub.service.js';
import { TOPIC_SOURCE } from './topic-source.js';

export interface LiveModuleOptions {
  /** Modules that export the topic source. */
  imports?: ModuleMetadata['imports'];
  /** Token of the TopicSource implementation (exported by one of `imports`). */
  topicSource: InjectionToken;
  /** Token of the LiveAuthority (exported by one of `imports`): who may watch what. */
  authority: InjectionToken;
  config?: Partial<LiveConfig>;
}

/** The live gateway and its TopicHub (exported, so the pipeline can call `onBatch`). */
@Module({})
export class LiveModule {
  static forRoot(options: LiveModuleOptions): DynamicModule {
    return {
      module: LiveModule,
      imports: options.imports ?? [],
      providers: [
        { provide: TOPIC_SOURCE, useExisting: options.topicSource },
        { provide: LIVE_AUTHORITY, useExisting: options.authority },
        { provide: LIVE_CONFIG, useValue: { ...DEFAULT_LIVE_CONFIG, ...options.config } },
        TopicHub,
        LiveGateway,
      ],
      exports: [TopicHub],
    };
  }
}
