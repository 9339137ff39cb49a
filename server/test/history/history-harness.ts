import { type Kysely, sql, type Transaction } from 'kysely';
import { ChangeFeedReader } from '../../src/changes/change-feed-reader.service.js';
import type { Database } from '../../src/database/database.types.js';
import type { TestApp } from '../app-harness.js';

/** Scores what was committed: two reads, since a write may land while the first one runs. */
export async function settle(pulse: TestApp): Promise<void> {
  const reader = pulse.app.get(ChangeFeedReader);
  await reader.readNow();
  await reader.readNow();
}

/** Writes in one transaction dated `at` (`pulse.valid_at`, migration 0008): the history records that instant. */
export function datedWrite(
  db: Kysely<Database>,
  at: Date,
  write: (trx: Transaction<Database>) => Promise<unknown>,
): Promise<void> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('pulse.valid_at', ${at.toISOString()}, true)`.execute(trx);
    await write(trx);
  });
}

/** The first CSM (by id) other than `csmId`: whom an account is handed over to. */
export async function anotherCsm(db: Kysely<Database>, csmId: string): Promise<string> {
  const { id } = await db
    .selectFrom('team_members')
    .select('id')
    .where('role', '=', 'csm')
    .where('id', '!=', csmId)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  return id;
}
