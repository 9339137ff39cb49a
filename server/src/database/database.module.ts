import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { startupPhase } from '../logging/startup-phases.js';
import { createDatabase, type PulseDatabase } from './create-database.js';
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

/**
 * Opens the configured database and migrates it. Called before Nest starts, so a problem the user
 * must fix (a locked data directory, a failing migration) reaches main.ts as an error with a plain
 * message instead of Nest's stack trace.
 */
export async function openMigratedDatabase(config: AppConfig): Promise<PulseDatabase> {
  const logger = new Logger('Database');
  const database = await startupPhase('open database', () => createDatabase(config));
  try {
    const applied = await startupPhase('migrate', () => migrateToLatest(database.db));
    const where = database.driver === 'pg' ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
    logger.log(`Using ${where}; ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}`);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** Provides an open, migrated database to every module, and closes it when the app shuts down. */
@Global()
@Module({})
export class DatabaseModule {
  static forDatabase(database: PulseDatabase): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE, useValue: database },
        { provide: KYSELY, useValue: database.db },
        DatabaseCloser,
      ],
      exports: [DATABASE, KYSELY],
    };
  }
}
