import { type Kysely, sql } from 'kysely';

/**
 * Tables whose rows come from another system with its own record id (a Zendesk ticket id, a
 * Salesforce opportunity id): `external_id` is the key REST ingest and CSV import upsert by, so a
 * re-sent batch updates instead of duplicating. Tables keyed otherwise are left alone: accounts and
 * team members (their id is the source's id), usage snapshots (account and day), success plans (one
 * per account) and attendance (session and account).
 */
export const EXTERNAL_ID_TABLES = [
  'arr_movements',
  'timeline_entries',
  'support_tickets',
  'sp_objectives',
  'sp_milestones',
  'engagements',
  'deliverables',
  'doc_updates',
  'surveys',
  'renewals',
  'program_sessions',
  'health_overrides',
] as const;

const ACCENTED =
  'ÀÁÂÃÄÅĀĂĄàáâãäåāăąÇĆČçćčĎďÈÉÊËĒĘĚèéêëēęěÌÍÎÏĪìíîïīŁłÑŃŇñńňÒÓÔÕÖØŌòóôõöøōŘřŚŠŞśšşŤťÙÚÛÜŪŮùúûüūůÝŸýÿŹŻŽźżž';
const PLAIN =
  'AAAAAAAAAaaaaaaaaaCCCcccDdEEEEEEEeeeeeeeIIIIIiiiiiLlNNNnnnOOOOOOOoooooooRrSSSsssTtUUUUUUuuuuuuYYyyZZZzzz';

const STATEMENTS = [
  ...EXTERNAL_ID_TABLES.map(
    (table) => `alter table ${table} add column external_id text,
      add constraint ${table}_external_id_key unique (external_id),
      add constraint ${table}_external_id_check check (length(external_id) between 1 and 200)`,
  ),
  // Folds case and accents the same way for the stored names and the searched text. IMMUTABLE
  // (translate and lower are), so it can feed a generated column; unaccent() cannot.
  `create function pulse_fold_text(value text) returns text language sql immutable parallel safe
   as $$ select lower(translate(value, '${ACCENTED}', '${PLAIN}')) $$`,
  'alter table accounts add column name_search text generated always as (pulse_fold_text(name)) stored',
  // Trigram index for substring search where pg_trgm can be had; without it search scans the
  // folded names, which is fast enough for a few thousand accounts.
  `do $$ begin
     create extension if not exists pg_trgm;
     create index accounts_name_search_trgm_idx on accounts using gin (name_search gin_trgm_ops);
   exception when others then
     raise notice 'pg_trgm unavailable (%): account search scans names', sqlerrm;
   end $$`,
  // A retried ingest request with the same Idempotency-Key gets the first answer back.
  `create table idempotency_keys (
    key text primary key,
    request_hash text not null,
    response jsonb,
    created_at timestamptz not null default now()
  )`,
  'create index idempotency_keys_created_at_idx on idempotency_keys (created_at)',
  // CSV column mappings saved per source system and table ("salesforce" accounts export, …).
  `create table import_mappings (
    table_name text not null,
    source text not null,
    mapping jsonb not null,
    updated_at timestamptz not null default now(),
    primary key (table_name, source),
    constraint import_mappings_source_check check (length(source) between 1 and 64)
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop table if exists import_mappings').execute(db);
  await sql.raw('drop table if exists idempotency_keys').execute(db);
  await sql.raw('drop index if exists accounts_name_search_trgm_idx').execute(db);
  await sql.raw('alter table accounts drop column if exists name_search').execute(db);
  await sql.raw('drop function if exists pulse_fold_text(text)').execute(db);
  for (const table of EXTERNAL_ID_TABLES) {
    await sql.raw(`alter table ${table} drop column if exists external_id`).execute(db);
  }
}
