import { Inject, Injectable } from '@nestjs/common';
import { type Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';
import { settledHorizon } from './settled-horizon.js';

export interface ChangeRow {
  id: number;
  accountId: string | null;
  memberId: string | null;
  tableName: string;
  createdAt: Date;
  /** Its transaction's xid is below the read's horizon: no transaction can still add to it. */
  settled: boolean;
}

/**
 * change_log and change_cursor. Transaction ids (xid8) travel as decimal strings; the cursor's
 * `last_id` column holds an xid8 low-water mark, not a change_log id (see ChangeFeedReader).
 */
@Injectable()
export class ChangeLogRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** The lowest transaction id that may still add change_log rows (see settledHorizon). */
  async settledHorizon(): Promise<string> {
    // The snapshot strictly before the list of running transactions: the order makes it safe.
    const snapshot = await sql<{ snapshot: string }>`select pg_current_snapshot()::text as snapshot`.execute(
      this.db,
    );
    const own = await sql<{ xid: string }>`
      select backend_xid::text as xid from pg_stat_activity
        where datname = current_database() and backend_xid is not null
      union all
      select transaction::text as xid from pg_prepared_xacts where database = current_database()`.execute(
      this.db,
    );
    return settledHorizon(
      snapshot.rows[0]!.snapshot,
      own.rows.map((row) => row.xid),
    );
  }

  /** Rows of transactions at or above `fromXid`, after `afterId`, in id order, flagged settled below `horizon`. */
  async readFrom(fromXid: string, horizon: string, afterId: number, limit: number): Promise<ChangeRow[]> {
    const rows = await this.db
      .selectFrom('change_log')
      .select([
        'id',
        'account_id',
        'member_id',
        'table_name',
        'created_at',
        sql<boolean>`xid < ${horizon}::xid8`.as('settled'),
      ])
      .where(sql<boolean>`xid >= ${fromXid}::xid8`)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      memberId: row.member_id,
      tableName: row.table_name,
      createdAt: row.created_at,
      settled: row.settled,
    }));
  }

  async readMark(cursorName: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('change_cursor')
      .select('last_id')
      .where('name', '=', cursorName)
      .executeTakeFirst();
    return row ? String(row.last_id) : null;
  }

  async saveMark(cursorName: string, mark: string): Promise<void> {
    await this.db
      .insertInto('change_cursor')
      .values({ name: cursorName, last_id: mark })
      .onConflict((oc) => oc.column('name').doUpdateSet({ last_id: mark, updated_at: sql`now()` }))
      .execute();
  }

  /** Deletes consumed rows (below the mark) older than the retention; returns how many. */
  async prune(belowXid: string, retentionMinutes: number): Promise<number> {
    const result = await this.db
      .deleteFrom('change_log')
      .where(sql<boolean>`xid < ${belowXid}::xid8`)
      .where('created_at', '<', sql<Date>`now() - make_interval(mins => ${retentionMinutes})`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
