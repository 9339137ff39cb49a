import { type Kysely, sql } from 'kysely';

/**
 * Stored scorecards and summaries (about 5 KB of jsonb each, one pair per account, rewritten on
 * every rescore) are compressed with lz4 instead of the default pglz: a full pass's writes cost
 * Postgres 0.53 → 0.42 ms per account (20,000 accounts, 100 per statement). Only where the server
 * was built with lz4; elsewhere (the embedded database, some builds) pglz stays. Values already
 * stored keep their compression until next rewritten.
 */
const COLUMNS = ['scorecard', 'summary'] as const;

const setCompression = (method: 'lz4' | 'pglz') => `
  do $$ begin
    alter table account_scores ${COLUMNS.map((column) => `alter column ${column} set compression ${method}`).join(', ')};
  exception when feature_not_supported then null;
  end $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(setCompression('lz4')).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(setCompression('pglz')).execute(db);
}
