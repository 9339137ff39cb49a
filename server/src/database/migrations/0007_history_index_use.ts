import { type Kysely, sql } from 'kysely';
import { END_HISTORY_ON_TRUNCATE, KEEP_HISTORY } from './0006_fact_history.js';

/**
 * The history triggers as 0006 now writes them: each row's lookup of its open version uses the whole
 * index (see 0006's TABLE_NAME). Databases that ran the first 0006 get the corrected functions here;
 * on the others this replaces them with themselves.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(KEEP_HISTORY).execute(db);
  await sql.raw(END_HISTORY_ON_TRUNCATE).execute(db);
}

/** The corrected functions are a strict improvement: going back leaves them. */
export async function down(): Promise<void> {}
