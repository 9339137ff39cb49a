import { type Kysely, sql } from 'kysely';
import { END_HISTORY_ON_TRUNCATE, KEEP_HISTORY, VALID_AT } from './0006_fact_history.js';

/**
 * Dated writes (see VALID_AT in 0006): a transaction that sets `pulse.valid_at` records its changes
 * in the facts history, and its owner changes in the owner history, as of that instant. Re-applies
 * the history functions as 0006 now writes them, and the owner tracker of 0001 with its date.
 */
/** The owner columns of `accounts` as they were at 0008 (a migration never follows later code). */
const OWNER_COLUMNS = ['csm', 'cse', 'csa', 'ae', 'rm'] as const;

const trackOwner = (role: (typeof OWNER_COLUMNS)[number]) => `
    if (tg_op = 'INSERT' and new.${role}_id is not null) or (tg_op = 'UPDATE' and new.${role}_id is distinct from old.${role}_id) then
      insert into account_owner_history (account_id, role, member_id, valid_from) values (new.id, '${role}', new.${role}_id, v_at);
    end if;`;

const TRACK_OWNERS = `create or replace function pulse_track_account_owners() returns trigger language plpgsql as $$
  declare
    v_at timestamptz := ${VALID_AT};
  begin${OWNER_COLUMNS.map(trackOwner).join('')}
    return null;
  end $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [KEEP_HISTORY, END_HISTORY_ON_TRUNCATE, TRACK_OWNERS])
    await sql.raw(statement).execute(db);
}

/** Without the setting the functions behave as before: going back leaves them. */
export async function down(): Promise<void> {}
