import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import { type Database, FACTS_TABLES } from '../database/database.types.js';
import { backfillHistory, HISTORY_TABLES } from '../database/migrations/0006_fact_history.js';
import type { PastVersion } from './demo-history.js';

/**
 * Rows per insert statement. Each statement sends one array parameter per column (`unnest`), so its
 * size does not depend on a parameter limit; the cap keeps single PGlite queries (which block the
 * event loop) short.
 */
const MAX_ROWS_PER_STATEMENT = 5_000;

/** Every table the demo seed fills or clears, children first. */
const SEEDED_TABLES = [
  'fact_history',
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

/** The tables whose rows' past the demo seed tells (demo-history.ts). */
type TableWithPast = 'accounts' | 'renewals' | 'success_plans';
const TABLES_WITH_PAST: ReadonlySet<string> = new Set<TableWithPast>([
  'accounts',
  'renewals',
  'success_plans',
]);

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

  /**
   * Refreshes the planner's statistics after a bulk load: without them (and autovacuum may be off
   * or late) Postgres scans whole tables to find one account's facts.
   */
  async analyze(): Promise<void> {
    await sql`analyze`.execute(this.db);
  }
}

export class SeedWriter {
  readonly #columnsByTable = new Map<string, Promise<Map<string, TableColumn>>>();

  constructor(private readonly trx: Transaction<Database>) {}

  /** Empties every demo table, identities restarted (the outbox and cursor included). */
  async clearAll(): Promise<void> {
    await sql`truncate table ${sql.join(SEEDED_TABLES.map((table) => sql.table(table)))} restart identity cascade`.execute(
      this.trx,
    );
  }

  /**
   * Disables the per-row outbox triggers for this transaction (they are enabled again before commit,
   * and a rollback undoes both); {@link logSeededChanges} then records one change per account instead
   * of one per fact row. Merely setting `pulse.skip_change_log` would still call a trigger per row,
   * which is most of the cost of a bulk insert on PGlite.
   */
  async suspendChangeLog(): Promise<void> {
    await this.#setChangeLogTriggers('disable');
  }

  /**
   * The facts history's triggers, like the outbox's, are off while seeding. The seed tells the past
   * of the mutable rows it writes (accounts, renewals, success plans: {@link recordPast}); every other
   * row is then recorded in one statement per table as valid since -infinity (its own dates, which
   * the engine cuts at, tell its past).
   */
  async suspendHistory(): Promise<void> {
    await this.#setHistoryTriggers('disable');
  }

  async recordSeededHistory(): Promise<void> {
    await this.#setHistoryTriggers('enable');
    for (const table of HISTORY_TABLES) {
      if (!TABLES_WITH_PAST.has(table)) await sql.raw(backfillHistory(table)).execute(this.trx);
    }
  }

  /**
   * Writes versions of rows already inserted: each image is the live row with the version's patch
   * laid over it, so the last version (no patch) is exactly what the history trigger would record.
   */
  async recordPast(
    table: TableWithPast,
    versions: readonly (PastVersion & { rowId: string })[],
  ): Promise<void> {
    for (const batch of batches(versions)) {
      await sql`insert into fact_history (table_name, row_id, account_id, valid_from, valid_to, image)
        select ${table}, p.row_id, ${sql.raw(table === 'accounts' ? 't.id' : 't.account_id')},
          coalesce(p.valid_from, '-infinity'), p.valid_to, to_jsonb(t) || p.patch::jsonb
        from unnest(${batch.map((v) => v.rowId)}::text[], ${batch.map((v) => v.from?.toISOString() ?? null)}::timestamptz[],
          ${batch.map((v) => v.to?.toISOString() ?? null)}::timestamptz[], ${batch.map((v) => JSON.stringify(v.patch))}::text[])
          as p (row_id, valid_from, valid_to, patch)
        join ${sql.table(table)} t on t.id::text = p.row_id`.execute(this.trx);
    }
  }

  async #setHistoryTriggers(state: 'enable' | 'disable'): Promise<void> {
    for (const table of HISTORY_TABLES) {
      await sql`alter table ${sql.table(table)} ${sql.raw(state)} trigger ${sql.id(`${table}_history`)}`.execute(
        this.trx,
      );
    }
  }

  async logSeededChanges(): Promise<void> {
    await this.#setChangeLogTriggers('enable');
    await sql`insert into change_log (member_id, table_name, op) select id, 'team_members', 'INSERT' from team_members order by id`.execute(
      this.trx,
    );
    await sql`insert into change_log (account_id, table_name, op) select id, 'accounts', 'INSERT' from accounts order by id`.execute(
      this.trx,
    );
    await sql`select pg_notify('pulse_changes', '')`.execute(this.trx);
  }

  async insert<T extends keyof Database>(table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
    for (const batch of batches(rows)) await this.#insertBatch(table, batch, false);
  }

  /** Inserts rows and returns their generated ids, in the order of `rows`. */
  async insertReturningIds<T extends keyof Database>(
    table: T,
    rows: readonly Insertable<Database[T]>[],
  ): Promise<number[]> {
    const ids: number[] = [];
    for (const batch of batches(rows)) {
      // Postgres inserts (and returns) the rows of `select … from unnest(…)` in array order.
      const inserted = await this.#insertBatch(table, batch, true);
      if (inserted.length !== batch.length)
        throw new Error(`Seeding ${table}: inserted ${inserted.length} of ${batch.length} rows`);
      for (const row of inserted) ids.push(row.id);
    }
    return ids;
  }

  async #setChangeLogTriggers(state: 'enable' | 'disable'): Promise<void> {
    // Every facts table has a `<table>_change_log` trigger announcing its rows in change_log.
    for (const table of FACTS_TABLES) {
      await sql`alter table ${sql.table(table)} ${sql.raw(state)} trigger ${sql.id(`${table}_change_log`)}`.execute(
        this.trx,
      );
    }
  }

  /**
   * One `insert … select … from unnest($1::type[], $2::type[], …)`: one array parameter per column
   * instead of one parameter per value, so a statement carries thousands of rows and the server
   * parses a handful of parameters. A key missing from a row inserts null (not the column default).
   */
  async #insertBatch(
    table: keyof Database,
    rows: readonly object[],
    returning: boolean,
  ): Promise<{ id: number }[]> {
    const tableColumns = await this.#columns(table);
    const names = columnNames(rows);
    const columns = names.map((name) => {
      const column = tableColumns.get(name);
      if (!column) throw new Error(`Seeding ${table}: the table has no column "${name}"`);
      return column;
    });
    // unnest flattens nested arrays, so array columns travel as text[] of array literals.
    const parameters = columns.map(
      (column) => sql`${columnValues(rows, column)}::${sql.raw(column.isArray ? 'text' : column.type)}[]`,
    );
    const selected = columns.map((column) =>
      column.isArray ? sql`${sql.ref(column.name)}::${sql.raw(column.type)}` : sql.ref(column.name),
    );
    const refs = sql.join(names.map((name) => sql.ref(name)));
    const result = await sql<{ id: number }>`insert into ${sql.table(table)} (${refs})
      select ${sql.join(selected)} from unnest(${sql.join(parameters)}) as seeded (${refs})
      ${returning ? sql`returning id` : sql``}`.execute(this.trx);
    return result.rows;
  }

  /** The table's column types from the catalog, looked up once per seed. */
  #columns(table: keyof Database): Promise<Map<string, TableColumn>> {
    let columns = this.#columnsByTable.get(table);
    if (!columns) {
      columns = sql<TableColumn>`select a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
          t.typcategory = 'A' as "isArray"
        from pg_attribute a join pg_type t on t.oid = a.atttypid
        where a.attrelid = ${table}::regclass and a.attnum > 0 and not a.attisdropped`
        .execute(this.trx)
        .then((result) => new Map(result.rows.map((column) => [column.name, column])));
      this.#columnsByTable.set(table, columns);
    }
    return columns;
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

function* batches<R>(rows: readonly R[]): Generator<readonly R[]> {
  for (let start = 0; start < rows.length; start += MAX_ROWS_PER_STATEMENT)
    yield rows.slice(start, start + MAX_ROWS_PER_STATEMENT);
}

interface TableColumn {
  readonly name: string;
  /** SQL type as `format_type` spells it, e.g. `timestamp with time zone` or `text[]`. */
  readonly type: string;
  readonly isArray: boolean;
}

/** Every key used by any row, in first-seen order. */
function columnNames(rows: readonly object[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const name in row) names.add(name);
  return [...names];
}

/** One column of `rows` as a parameter array: instants as ISO strings, arrays as array literals. */
function columnValues(rows: readonly object[], column: TableColumn): unknown[] {
  const values = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = (rows[i] as Record<string, unknown>)[column.name];
    values[i] =
      value === undefined
        ? null
        : value instanceof Date
          ? value.toISOString()
          : Array.isArray(value)
            ? arrayLiteral(value)
            : value;
  }
  return values;
}

function arrayLiteral(items: readonly unknown[]): string {
  const elements = items.map((item) =>
    item === null || item === undefined ? 'NULL' : `"${String(item).replace(/["\\]/g, '\\$&')}"`,
  );
  return `{${elements.join(',')}}`;
}
