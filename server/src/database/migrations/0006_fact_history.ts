import { type Kysely, sql } from 'kysely';

/**
 * Facts keep their history (issue 14 point 1): one generic table of row images rather than a history
 * table per facts table. Why one: the facts loader already reads every table as JSON rows
 * (json_agg), so an image taken with to_jsonb is exactly the row the mappers read, and the facts as
 * they stood at any instant are loaded by the same assembly; one trigger function serves all
 * eighteen tables, and a column added to a facts table needs no history migration. Writers, the
 * facts tables and the live path are unchanged: the triggers are added beside the change-log ones.
 *
 * Every version of a row is kept with its validity [valid_from, valid_to): an insert opens one, an
 * update closes the open one and opens the next, a delete closes it. Rows that existed before this
 * migration are backfilled as valid since -infinity: before history began, the earliest known image
 * stands (dated facts are still cut at their own dates by the engine).
 */
const HISTORY_TABLE = `create table fact_history (
  id bigint generated always as identity primary key,
  table_name text not null,
  row_id text not null,
  account_id text,
  valid_from timestamptz not null,
  valid_to timestamptz,
  image jsonb not null
)`;

/**
 * Renewal brief checkpoints (issue 14 point 3): an AE or RM freezes an account's brief at an instant
 * (the forecast call). Only the instant is stored: the facts history holds the brief as it stood
 * then, so the frozen brief is recomputed exactly, and compared measure by measure with today's.
 */
const CHECKPOINTS_TABLE = `create table brief_checkpoints (
  id bigint generated always as identity primary key,
  account_id text not null references accounts (id) on delete cascade,
  label text not null check (length(label) between 1 and 120),
  taken_at timestamptz not null default now(),
  taken_by text references team_members (id) on delete set null
)`;

const HISTORY_INDEXES = [
  'create index brief_checkpoints_account_idx on brief_checkpoints (account_id, taken_at)',
  // The open version of a row: closed by the next write to it.
  'create unique index fact_history_open_idx on fact_history (table_name, row_id) where valid_to is null',
  // As-of loads of some accounts; the retention prune by end of validity.
  'create index fact_history_account_idx on fact_history (account_id, table_name)',
  'create index fact_history_valid_to_idx on fact_history (valid_to) where valid_to is not null',
];

/**
 * How a table's rows find their account (the trigger's argument): `self` (accounts), `column`
 * (account_id), `plan`, `objective`, `engagement` (child rows, through the parent as it is now), or
 * `none` (team members and program sessions belong to no account).
 */
const ACCOUNT_OF: Record<string, 'self' | 'column' | 'plan' | 'objective' | 'engagement' | 'none'> = {
  team_members: 'none',
  accounts: 'self',
  account_owner_history: 'column',
  arr_movements: 'column',
  usage_snapshots: 'column',
  timeline_entries: 'column',
  support_tickets: 'column',
  success_plans: 'column',
  sp_objectives: 'plan',
  sp_milestones: 'objective',
  engagements: 'column',
  deliverables: 'engagement',
  doc_updates: 'engagement',
  surveys: 'column',
  renewals: 'column',
  program_sessions: 'none',
  program_attendance: 'column',
  health_overrides: 'column',
};
export const HISTORY_TABLES = Object.keys(ACCOUNT_OF);

/** SQL giving the account id of image `v` (jsonb) for a way of finding it. */
function accountOf(way: (typeof ACCOUNT_OF)[string], v: string): string {
  switch (way) {
    case 'self':
      return `${v}->>'id'`;
    case 'column':
      return `${v}->>'account_id'`;
    case 'plan':
      return `(select p.account_id from success_plans p where p.id = (${v}->>'plan_id')::bigint)`;
    case 'objective':
      return `(select p.account_id from sp_objectives o join success_plans p on p.id = o.plan_id
        where o.id = (${v}->>'objective_id')::bigint)`;
    case 'engagement':
      return `(select e.account_id from engagements e where e.id = (${v}->>'engagement_id')::bigint)`;
    case 'none':
      return 'null';
  }
}

/**
 * The table's name as text in the default collation. `tg_table_name` is of type `name`, collated
 * "C": compared with `table_name` as it is, the open-version index serves only `row_id`, and each
 * row's lookup scans every open version of every table with that id (a 100,000-row import: 231 s
 * instead of 6 s). Migrations 0007 and 0008 put these functions right on databases that ran this one
 * before.
 */
const TABLE_NAME = `v_table text collate "default" := tg_table_name;`;

/**
 * When a write took effect: the transaction's clock (now()), unless the writer dated it with
 * `set local pulse.valid_at = '<instant>'`. Why a transaction-local setting: writers and the schema
 * stay as they are, the live path never sets it, and it is how a source system's history is imported
 * with the dates it happened (and how a test steps through simulated month-ends without waiting).
 */
export const VALID_AT = `coalesce(nullif(current_setting('pulse.valid_at', true), '')::timestamptz, now())`;

export const KEEP_HISTORY = `create or replace function pulse_keep_history() returns trigger language plpgsql as $$
declare
  v_old jsonb := case when tg_op = 'INSERT' then null else to_jsonb(old) end;
  v_new jsonb := case when tg_op = 'DELETE' then null else to_jsonb(new) end;
  v_account_id text;
  v_at timestamptz := ${VALID_AT};
  v_open_from timestamptz;
  ${TABLE_NAME}
begin
  -- An update that changes nothing keeps the open version.
  if v_old is not null and v_new is not null and v_old = v_new then
    return null;
  end if;
  -- The open version ends at v_at (an insert may find one: a row removed with the triggers off).
  update fact_history set valid_to = v_at
    where table_name = v_table and row_id = coalesce(v_old, v_new)->>'id' and valid_to is null
    returning valid_from into v_open_from;
  -- A dated write cannot reach back before the version it ends: the history would run backwards.
  -- (Undated writes keep now(): overlapping transactions may see clocks a little out of order.)
  if v_open_from > v_at and coalesce(current_setting('pulse.valid_at', true), '') <> '' then
    raise exception 'pulse.valid_at % is before the current version of %.% (valid since %)',
      v_at, v_table, coalesce(v_old, v_new)->>'id', v_open_from
      using errcode = '22008';
  end if;
  if v_new is not null then
    v_account_id := case tg_argv[0]
      when 'self' then ${accountOf('self', 'v_new')}
      when 'column' then ${accountOf('column', 'v_new')}
      when 'plan' then ${accountOf('plan', 'v_new')}
      when 'objective' then ${accountOf('objective', 'v_new')}
      when 'engagement' then ${accountOf('engagement', 'v_new')}
      else null
    end;
    insert into fact_history (table_name, row_id, account_id, valid_from, image)
      values (v_table, v_new->>'id', v_account_id, v_at, v_new);
  end if;
  return null;
end $$`;

/** A truncate removes every row without row triggers: every open version of the table ends then. */
export const END_HISTORY_ON_TRUNCATE = `create or replace function pulse_end_history_on_truncate() returns trigger language plpgsql as $$
declare
  ${TABLE_NAME}
begin
  update fact_history set valid_to = ${VALID_AT} where table_name = v_table and valid_to is null;
  return null;
end $$`;

const TRIGGERS = Object.entries(ACCOUNT_OF).flatMap(([table, way]) => [
  `create trigger ${table}_history after insert or update or delete on ${table}
   for each row execute function pulse_keep_history('${way}')`,
  `create trigger ${table}_history_truncate after truncate on ${table}
   for each statement execute function pulse_end_history_on_truncate()`,
]);

/**
 * The statement recording every row of a facts table as valid since -infinity: the rows there before
 * history began (this migration), and the demo seed's rows whose past it does not tell.
 */
export function backfillHistory(table: string): string {
  return `insert into fact_history (table_name, row_id, account_id, valid_from, image)
     select '${table}', v.image->>'id', ${accountOf(ACCOUNT_OF[table]!, 'v.image')}, '-infinity', v.image
     from (select to_jsonb(t) as image from ${table} t) v`;
}
const BACKFILL_HISTORY = HISTORY_TABLES.map(backfillHistory);

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    HISTORY_TABLE,
    CHECKPOINTS_TABLE,
    ...HISTORY_INDEXES,
    KEEP_HISTORY,
    END_HISTORY_ON_TRUNCATE,
    ...BACKFILL_HISTORY,
    ...TRIGGERS,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of HISTORY_TABLES)
    await sql.raw(`drop trigger if exists ${table}_history on ${table}`).execute(db);
  await sql.raw('drop function if exists pulse_keep_history()').execute(db);
  await sql.raw('drop table if exists fact_history').execute(db);
  await sql.raw('drop table if exists brief_checkpoints').execute(db);
}
