import { Inject, Injectable } from '@nestjs/common';
import { type Kysely, sql } from 'kysely';
import type { PulseDatabase } from './create-database.js';
import { DATABASE, KYSELY } from './database.module.js';
import type { Database } from './database.types.js';
import { pendingMigrations } from './migrate.js';

export interface DatabaseHealth {
  driver: PulseDatabase['driver'];
  reachable: boolean;
  pendingMigrations: string[];
  error?: string;
}

/** Readiness: the database answers and every migration is applied. */
@Injectable()
export class DatabaseHealthRepository {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<Database>,
    @Inject(DATABASE) private readonly database: PulseDatabase,
  ) {}

  async check(): Promise<DatabaseHealth> {
    try {
      await sql`select 1`.execute(this.db);
      return {
        driver: this.database.driver,
        reachable: true,
        pendingMigrations: await pendingMigrations(this.db),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { driver: this.database.driver, reachable: false, pendingMigrations: [], error: message };
    }
  }
}
