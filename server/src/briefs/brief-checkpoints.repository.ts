import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';

export interface BriefCheckpoint {
  id: number;
  accountId: string;
  label: string;
  takenAt: string;
  takenBy: string | null;
}

@Injectable()
export class BriefCheckpointsRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  async create(
    accountId: string,
    label: string,
    takenBy: string | null,
    takenAt: Date,
  ): Promise<BriefCheckpoint> {
    const row = await this.db
      .insertInto('brief_checkpoints')
      .values({ account_id: accountId, label, taken_by: takenBy, taken_at: takenAt })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCheckpoint(row);
  }

  /** An account's checkpoints, newest first. */
  async list(accountId: string): Promise<BriefCheckpoint[]> {
    const rows = await this.db
      .selectFrom('brief_checkpoints')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('taken_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toCheckpoint);
  }

  async find(accountId: string, id: number): Promise<BriefCheckpoint | null> {
    const row = await this.db
      .selectFrom('brief_checkpoints')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toCheckpoint(row) : null;
  }
}

function toCheckpoint(row: {
  id: number;
  account_id: string;
  label: string;
  taken_at: Date;
  taken_by: string | null;
}): BriefCheckpoint {
  return {
    id: row.id,
    accountId: row.account_id,
    label: row.label,
    takenAt: row.taken_at.toISOString(),
    takenBy: row.taken_by,
  };
}
