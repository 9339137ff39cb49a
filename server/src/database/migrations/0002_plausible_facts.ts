import { type Kysely, sql } from 'kysely';
import { type ColumnBound, FACT_BOUNDS, PLAUSIBLE_DATES } from '../../facts/fact-bounds.js';

/** The condition a bounded column must meet; null passes (NOT NULL is declared where it applies). */
function condition(column: string, bound: ColumnBound): string {
  switch (bound.kind) {
    case 'date':
      return `${column} between date '${PLAUSIBLE_DATES.from}' and date '${PLAUSIBLE_DATES.to}'`;
    case 'instant':
      return `${column} >= timestamptz '${PLAUSIBLE_DATES.from} 00:00:00+00'
        and ${column} < timestamptz '${PLAUSIBLE_DATES.to} 00:00:00+00' + interval '1 day'`;
    case 'integer':
      return `${column} between ${bound.min} and ${bound.max}`;
  }
}

/**
 * Every bounded column gets a named CHECK (`<table>_<column>_range`) so a writer that stores what
 * the engine cannot represent is refused with the column in the error. NOT VALID: a database that
 * already holds such rows must still migrate (validation would fail and block start-up); new and
 * updated rows are checked, and the facts loader quarantines the accounts of old ones.
 */
const RANGE_CHECKS = Object.entries(FACT_BOUNDS).flatMap(([table, columns]) =>
  Object.entries(columns).map(
    ([column, bound]) =>
      `alter table ${table} add constraint ${table}_${column}_range
       check (${condition(column, bound as ColumnBound)}) not valid`,
  ),
);

/** Accounts whose scoring is frozen, and why: every process reads it, and it survives restarts. */
const QUARANTINE = `create table account_quarantine (
  account_id text primary key references accounts (id) on delete cascade,
  table_name text,
  row_id text,
  column_name text,
  value text,
  reason text not null,
  since timestamptz not null default now(),
  attempts integer not null,
  updated_at timestamptz not null default now()
)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...RANGE_CHECKS, QUARANTINE]) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop table if exists account_quarantine').execute(db);
  for (const [table, columns] of Object.entries(FACT_BOUNDS)) {
    for (const column of Object.keys(columns)) {
      await sql.raw(`alter table ${table} drop constraint if exists ${table}_${column}_range`).execute(db);
    }
  }
}
