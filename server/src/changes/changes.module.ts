import { type DynamicModule, Module } from '@nestjs/common';
import {
  CHANGE_FEED_CONFIG,
  type ChangeFeedConfig,
  DEFAULT_CHANGE_FEED_CONFIG,
} from './change-feed.config.js';
import { ChangeFeedReader } from './change-feed-reader.service.js';
import { ChangeLogRepository } from './change-log.repository.js';

/**
 * The change feed: ChangeFeedReader starts when the application boots (after every module has
 * registered its `onBatch` listener) and stops before the database closes. Needs DatabaseModule.
 */
@Module({})
export class ChangesModule {
  static forRoot(config: Partial<ChangeFeedConfig> = {}): DynamicModule {
    return {
      module: ChangesModule,
      providers: [
        { provide: CHANGE_FEED_CONFIG, useValue: { ...DEFAULT_CHANGE_FEED_CONFIG, ...config } },
        ChangeLogRepository,
        ChangeFeedReader,
      ],
      exports: [ChangeFeedReader],
    };
  }
}
