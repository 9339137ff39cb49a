import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';

/** Upkeep of the facts history (migration 0006); reading it is AsOfFactsRepository's. */
@Injectable()
export class FactHistoryRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** Deletes the versions that stopped being valid before `before`; current versions are never pruned. */
  async pruneEndedBefore(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('fact_history')
      .where('valid_to', 'is not', null)
      .where('valid_to', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
