import { Inject, Injectable, Logger } from '@nestjs/common';
import type { TeamMember } from '@pulse/domain';
import { CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';
import { assembleFacts, type LoadedFacts } from './assemble-facts.js';
import type { FactRows } from './fact-rows.js';
import { toTeamMember } from './mappers/team-members.mapper.js';

export type { LoadedFacts } from './assemble-facts.js';
export type { UnreadableRow } from './row-screen.js';

/**
 * The scoring inputs as the statement returned them, JSON text per table: parsed and assembled
 * where they are scored (a pool thread for large batches), so the main thread neither parses nor
 * copies a bulk sync's facts (see score-rows.ts).
 */
export interface ScoringRows {
  tables: Record<keyof FactRows, string>;
  /** The accounts' stored scorecards as one JSON object by account id. */
  scorecards: string;
}

/** Reads the facts tables into the engine's input shapes (AccountFacts), many accounts per query. */
@Injectable()
export class FactsRepository {
  private readonly logger = new Logger('Facts');
  /** `load`'s statement text by its options, compiled on first use. */
  private readonly loadStatements = new Map<string, string>();

  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  async listAccountIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('accounts').select('id').orderBy('id').execute();
    return rows.map((row) => row.id);
  }

  async accountExists(id: string): Promise<boolean> {
    const row = await this.db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  /** Accounts a person owns in any role: a change to that person touches them. */
  async accountIdsOwnedBy(memberIds: readonly string[]): Promise<string[]> {
    if (memberIds.length === 0) return [];
    const ids = [...memberIds];
    const rows = await this.db
      .selectFrom('accounts')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('csm_id', 'in', ids),
          eb('cse_id', 'in', ids),
          eb('csa_id', 'in', ids),
          eb('ae_id', 'in', ids),
          eb('rm_id', 'in', ids),
        ]),
      )
      .execute();
    return rows.map((row) => row.id);
  }

  /** Team members, read as the engine can use them (see toTeamMember). */
  async listTeamMembers(): Promise<TeamMember[]> {
    const rows = await this.db
      .selectFrom('team_members')
      .select(['id', 'name', 'email', 'role', 'region', 'manager_id', 'title'])
      // As text: the bigint parser refuses a value beyond 2^53 rather than round it.
      .select(sql<string | null>`book_arr_target_cents::text`.as('book_arr_target_cents'))
      .orderBy('id')
      .execute();
    return rows.map((row) => toTeamMember(row, this.logger));
  }

  /**
   * Loads every fact of the given accounts; unknown ids are left out. One statement returns every
   * table as one JSON array: the embedded database pays per statement and decodes a row at a time
   * slowly, and on Postgres one round trip costs less server CPU than fifteen. A row with a value
   * out of the engine's bounds never throws: it is left out and reported in `unreadable`.
   */
  async loadAccountFacts(accountIds: readonly string[]): Promise<LoadedFacts> {
    if (accountIds.length === 0) return { facts: [], unreadable: [] };
    return assembleFacts((await this.load(accountIds, false, false)) as unknown as FactRows);
  }

  /**
   * The facts with the accounts' last stored scorecards, in the same statement: a dirty account's
   * budget is 2 ms of server CPU, and each round trip costs a few tenths of one (socket write,
   * protocol parsing, query compiling).
   */
  async loadScoringRows(accountIds: readonly string[]): Promise<ScoringRows> {
    const { scorecards, ...tables } = (await this.load(accountIds, true, true)) as Record<string, string>;
    return { tables: tables as ScoringRows['tables'], scorecards: scorecards! };
  }

  /** Every table's rows (and the scorecards) as JSON, or as its text with `asText`. */
  private async load(
    accountIds: readonly string[],
    withScorecards: boolean,
    asText: boolean,
  ): Promise<Record<string, unknown>> {
    const key = `${withScorecards}/${asText}`;
    let text = this.loadStatements.get(key);
    if (text === undefined) {
      text = loadStatement(withScorecards, asText).compile(this.db).sql;
      this.loadStatements.set(key, text);
    }
    const result = await this.db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(text, [[...accountIds]]),
    );
    return result.rows[0]!;
  }
}

/**
 * The statement of `load`, whose one parameter ($1) is the account ids. Its text never changes, so
 * it is compiled once (a dirty account is one call) and the ids are sent once, not once per table.
 * Child tables match `= any(array(select ...))`, not `in (select ...)`: Postgres planned the `in`
 * form of doc_updates as a hash join over a scan of the whole table, so a full pass read that table
 * once per chunk of accounts (7.8 of 30 ms a chunk at 20,000 accounts, growing with them).
 */
function loadStatement(withScorecards: boolean, asText: boolean): RawBuilder<Record<string, unknown>> {
  const wanted = sql.raw('cast($1 as text[])');
  const ofAccounts = sql`t.account_id = any(${wanted})`;
  const jsonRows: typeof jsonRowsOf = (table, where, orderBy) => {
    const rows = jsonRowsOf(table, where, orderBy);
    return asText ? sql`${rows}::text` : rows;
  };
  return sql<Record<string, unknown>>`
    select
      ${jsonRows('accounts', sql`t.id = any(${wanted})`)} as accounts,
      ${jsonRows('account_owner_history', ofAccounts)} as owners,
      ${jsonRows('arr_movements', ofAccounts)} as arr,
      ${jsonRows('usage_snapshots', ofAccounts, 'measured_on')} as usage,
      ${jsonRows('timeline_entries', ofAccounts)} as timeline,
      ${jsonRows('support_tickets', ofAccounts)} as tickets,
      ${jsonRows('success_plans', ofAccounts)} as plans,
      ${jsonRows(
        'sp_objectives',
        sql`t.plan_id = any(array(select p.id from success_plans p where p.account_id = any(${wanted})))`,
      )} as objectives,
      ${jsonRows(
        'sp_milestones',
        sql`t.objective_id = any(array(
          select o.id from sp_objectives o join success_plans p on p.id = o.plan_id
          where p.account_id = any(${wanted})))`,
      )} as milestones,
      ${jsonRows('engagements', ofAccounts)} as engagements,
      ${jsonRows('deliverables', sql`t.engagement_id = any(array(${engagementIdsOf(wanted)}))`)} as deliverables,
      ${jsonRows('doc_updates', sql`t.engagement_id = any(array(${engagementIdsOf(wanted)}))`)} as doc_updates,
      ${jsonRows('surveys', ofAccounts)} as surveys,
      ${jsonRows('renewals', ofAccounts)} as renewals,
      (select coalesce(json_agg(json_build_object(
          'id', a.id, 'session_id', a.session_id, 'account_id', a.account_id, 'attendees', a.attendees,
          'kind', s.kind, 'title', s.title, 'use_case', s.use_case, 'held_on', s.held_on
        ) order by a.id), '[]'::json)
        from program_attendance a join program_sessions s on s.id = a.session_id
        where a.account_id = any(${wanted}))${asText ? sql`::text` : sql``} as attendance,
      ${jsonRows('health_overrides', ofAccounts)} as overrides
      ${
        withScorecards
          ? sql`, (select coalesce(json_object_agg(s.account_id, s.scorecard), '{}'::json)
              from account_scores s where s.account_id = any(${wanted}))${asText ? sql`::text` : sql``} as scorecards`
          : sql``
      }`;
}

/** The rows of `table` matching `where` (on alias `t`) as one JSON array ordered by `orderBy`. */
function jsonRowsOf<T extends keyof Database>(
  table: T,
  where: RawBuilder<unknown>,
  orderBy: keyof Database[T] & string = 'id' as keyof Database[T] & string,
): RawBuilder<unknown> {
  return sql`(select coalesce(json_agg(t order by t.${sql.ref(orderBy)}), '[]'::json)
    from ${sql.table(table)} t where ${where})`;
}

function engagementIdsOf(accountIds: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select e.id from engagements e where e.account_id = any(${accountIds})`;
}
