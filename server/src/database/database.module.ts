import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { createDatabase, type PulseDatabase } from './create-database.js';
import type { Database } from './database.types.js';
import { migrateToLatest } from './migrate.js';

/** Injection token of the open, migrated {@link PulseDatabase} (listen, driver, close). */
export const DATABASE = Symbol('DATABASE');
/** Injection token of its `Kysely<Database>`; inject only into repositories. */
export const KYSELY = Symbol('KYSELY');

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly database: PulseDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<PulseDatabase> => {
        const logger = new Logger('Database');
        const database = await createDatabase(config);
        try {
          const applied = await migrateToLatest(database.db);
          const where = database.driver === 'pg' ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
          logger.log(
            `Using ${where}; ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`,
          );
        } catch (error) {
          await database.close();
          throw error;
        }
        return database;
      },
    },
    {
      provide: KYSELY,
      inject: [DATABASE],
      useFactory: (database: PulseDatabase): Kysely<Database> => database.db,
    },
    DatabaseCloser,
  ],
  exports: [DATABASE, KYSELY],
})
export class DatabaseModule {}
