import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../database/database.types.js';

/** Upper bound of bind parameters per statement: well under Postgres' 65,535 and kind to PGlite. */
const MAX_PARAMETERS_PER_STATEMENT = 20_000;
const MAX_ROWS_PER_STATEMENT = 1_000;

/** Every table the demo seed fills or clears, children first. */
const SEEDED_TABLES = [
  'score_changes',
  'account_scores',
  'change_log',
  'change_cursor',
  'health_overrides',
  'program_attendance',
  'program_sessions',
  'renewals',
  'surveys',
  'doc_updates',
  'deliverables',
  'engagements',
  'sp_milestones',
  'sp_objectives',
  'success_plans',
  'support_tickets',
  'timeline_entries',
  'usage_snapshots',
  'arr_movements',
  'account_owner_history',
  'accounts',
  'team_members',
] as const satisfies readonly (keyof Database)[];

/** Batched writes of the demo seed; everything runs inside the transaction given to `transaction`. */
export class SeedRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async hasAccountsOrPeople(): Promise<boolean> {
    const [account, member] = await Promise.all([
      this.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst(),
      this.db.selectFrom('team_members').select('id').limit(1).executeTakeFirst(),
    ]);
    return account !== undefined || member !== undefined;
  }

  transaction<T>(work: (writer: SeedWriter) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new SeedWriter(trx)));
  }
}

export class SeedWriter {
  constructor(private readonly trx: Transaction<Database>) {}

  /** Empties every demo table, identities restarted (the outbox and cursor included). */
  async clearAll(): Promise<void> {
    await sql`truncate table ${sql.join(SEEDED_TABLES.map((table) => sql.table(table)))} restart identity cascade`.execute(
      this.trx,
    );
  }

  /**
   * Suspends the per-row outbox triggers for this transaction; {@link logSeededChanges} then records
   * one change per account instead of one per fact row.
   */
  async suspendChangeLog(): Promise<void> {
    await sql`select set_config('pulse.skip_change_log', 'on', true)`.execute(this.trx);
  }

  async logSeededChanges(): Promise<void> {
    await sql`select set_config('pulse.skip_change_log', 'off', true)`.execute(this.trx);
    await sql`insert into change_log (member_id, table_name, op) select id, 'team_members', 'INSERT' from team_members order by id`.execute(
      this.trx,
    );
    await sql`insert into change_log (account_id, table_name, op) select id, 'accounts', 'INSERT' from accounts order by id`.execute(
      this.trx,
    );
    await sql`select pg_notify('pulse_changes', '')`.execute(this.trx);
  }

  async insert<T extends keyof Database>(table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
    for (const batch of batches(rows)) {
      await this.trx
        .insertInto(table)
        .values(batch as never)
        .execute();
    }
  }

  /** Inserts rows and returns their generated ids, in the order of `rows`. */
  async insertReturningIds<T extends keyof Database>(
    table: T,
    rows: readonly Insertable<Database[T]>[],
  ): Promise<number[]> {
    const ids: number[] = [];
    for (const batch of batches(rows)) {
      // Postgres returns the rows of a multi-row VALUES insert in VALUES order.
      const inserted = (await this.trx
        .insertInto(table)
        .values(batch as never)
        .returning(sql<number>`id`.as('id'))
        .execute()) as { id: number }[];
      if (inserted.length !== batch.length)
        throw new Error(`Seeding ${table}: inserted ${inserted.length} of ${batch.length} rows`);
      ids.push(...inserted.map((row) => row.id));
    }
    return ids;
  }

  /** Replaces the owner history the accounts trigger wrote (stamped now) with the seeded past. */
  async replaceOwnerHistory(
    accountIds: readonly string[],
    history: readonly Insertable<Database['account_owner_history']>[],
  ): Promise<void> {
    if (accountIds.length === 0) return;
    await this.trx.deleteFrom('account_owner_history').where('account_id', 'in', accountIds).execute();
    await this.insert('account_owner_history', history);
  }
}

function* batches<R extends object>(rows: readonly R[]): Generator<R[]> {
  if (rows.length === 0) return;
  const columns = Math.max(1, Object.keys(rows[0]!).length);
  const size = Math.max(
    1,
    Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS_PER_STATEMENT / columns)),
  );
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}
