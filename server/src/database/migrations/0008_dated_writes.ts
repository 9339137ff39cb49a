import { type Kysely, sql } from 'kysely';
import { END_HISTORY_ON_TRUNCATE, KEEP_HISTORY, VALID_AT } from './0006_fact_history.js';

/**
 * Dated writes (see VALID_AT in 0006): a transaction that sets `pulse.valid_at` records its changes
 * in the facts history, and its owner changes in the owner history, as of that instant. Re-applies
 * the history functions as 0006 now writes them, and the owner tracker of 0001 with its date.
 */
const TRACK_OWNERS = `create or replace function pulse_track_account_owners() returns trigger language plpgsql as $$
  declare
    v_at timestamptz := ${VALID_AT};
  begin
    if (tg_op = 'INSERT' and new.csm_id is not null) or (tg_op = 'UPDATE' and new.csm_id is distinct from old.csm_id) then
      insert into account_owner_history (account_id, role, member_id, valid_from) values (new.id, 'csm', new.csm_id, v_at);
    end if;
    if (tg_op = 'INSERT' and new.cse_id is not null) or (tg_op = 'UPDATE' and new.cse_id is distinct from old.cse_id) then
      insert into account_owner_history (account_id, role, member_id, valid_from) values (new.id, 'cse', new.cse_id, v_at);
    end if;
    if (tg_op = 'INSERT' and new.csa_id is not null) or (tg_op = 'UPDATE' and new.csa_id is distinct from old.csa_id) then
      insert into account_owner_history (account_id, role, member_id, valid_from) values (new.id, 'csa', new.csa_id, v_at);
    end if;
    if (tg_op = 'INSERT' and new.ae_id is not null) or (tg_op = 'UPDATE' and new.ae_id is distinct from old.ae_id) then
      insert into account_owner_history (account_id, role, member_id, valid_from) values (new.id, 'ae', new.ae_id, v_at);
    end if;
    if (tg_op = 'INSERT' and new.rm_id is not null) or (tg_op = 'UPDATE' and new.rm_id is distinct from old.rm_id) then
      insert into account_owner_history (account_id, role, member_id, valid_from) values (new.id, 'rm', new.rm_id, v_at);
    end if;
    return null;
  end $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [KEEP_HISTORY, END_HISTORY_ON_TRUNCATE, TRACK_OWNERS])
    await sql.raw(statement).execute(db);
}

/** Without the setting the functions behave as before: going back leaves them. */
export async function down(): Promise<void> {}
