import { Inject, Injectable } from '@nestjs/common';
import type { AccountQuarantine } from '@pulse/protocol';
import type { Kysely, Selectable } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { AccountQuarantineTable, Database } from '../database/database.types.js';

export interface QuarantinedAccount extends AccountQuarantine {
  accountId: string;
}

/** What is recorded when an account is quarantined (or fails again while quarantined). */
export type QuarantineRecord = Omit<QuarantinedAccount, 'since'>;

@Injectable()
export class QuarantineRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** Every quarantined account, longest frozen first. */
  async list(): Promise<QuarantinedAccount[]> {
    const rows = await this.db.selectFrom('account_quarantine').selectAll().orderBy('since').execute();
    return rows.map(toQuarantined);
  }

  async find(accountId: string): Promise<QuarantinedAccount | null> {
    const row = await this.db
      .selectFrom('account_quarantine')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? toQuarantined(row) : null;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('account_quarantine')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Records the latest failure; `since` keeps the moment the account was first quarantined. */
  async put(record: QuarantineRecord): Promise<void> {
    const values = {
      account_id: record.accountId,
      table_name: record.table,
      row_id: record.rowId,
      column_name: record.column,
      value: record.value,
      reason: record.reason,
      attempts: record.attempts,
      updated_at: new Date(),
    };
    await this.db
      .insertInto('account_quarantine')
      .values(values)
      .onConflict((conflict) => {
        const { account_id: _, ...update } = values;
        return conflict.column('account_id').doUpdateSet(update);
      })
      .execute();
  }

  /** Lifts the quarantine of the given accounts; returns the ones that were quarantined. */
  async release(accountIds: readonly string[]): Promise<string[]> {
    if (accountIds.length === 0) return [];
    const rows = await this.db
      .deleteFrom('account_quarantine')
      .where('account_id', 'in', [...accountIds])
      .returning('account_id')
      .execute();
    return rows.map((row) => row.account_id);
  }
}

function toQuarantined(row: Selectable<AccountQuarantineTable>): QuarantinedAccount {
  return {
    accountId: row.account_id,
    table: row.table_name,
    rowId: row.row_id,
    column: row.column_name,
    value: row.value,
    reason: row.reason,
    since: row.since.toISOString(),
    attempts: row.attempts,
  };
}
