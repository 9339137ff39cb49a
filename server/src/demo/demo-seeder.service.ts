import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';
import { seedDemo } from './seed.js';
import { SeedRepository } from './seed.repository.js';

/** Creates the demo organisation on the first start against an empty database. */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger('Demo');

  constructor(
    @Inject(KYSELY) private readonly db: Kysely<Database>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Seeds when PULSE_DEMO_ACCOUNTS > 0 and the database holds no accounts or people yet. */
  async seedIfEmpty(): Promise<void> {
    if (this.config.demoAccounts === 0) return;
    if (await new SeedRepository(this.db).hasAccountsOrPeople()) return;
    this.logger.log(`Empty database: seeding the demo organisation (${this.config.demoAccounts} accounts)…`);
    const result = await seedDemo(this.db, { accounts: this.config.demoAccounts, seed: this.config.seed });
    const seconds = (result.elapsedMs / 1000).toFixed(1);
    this.logger.log(`Seeded ${result.accounts} accounts and ${result.teamMembers} people in ${seconds} s`);
  }
}
