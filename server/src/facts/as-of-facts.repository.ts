import { Inject, Injectable, Logger } from '@nestjs/common';
import type { TeamMember } from '@pulse/domain';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';
import { assembleFacts, type LoadedFacts } from './assemble-facts.js';
import type { FactRows } from './fact-rows.js';
import { type TeamMemberRow, toTeamMember } from './mappers/team-members.mapper.js';

/**
 * The facts as they stood at a past instant, read from the facts history (migration 0006): every
 * row version whose validity [valid_from, valid_to) holds the instant. The images are the rows as
 * the live loader reads them, so they go through the same assembly and mappers; the live path
 * (FactsRepository) is not touched.
 */
@Injectable()
export class AsOfFactsRepository {
  private readonly logger = new Logger('FactsAsOf');

  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** Every account's facts at `at` (accounts that did not exist then are absent). */
  loadAllFacts(at: Date): Promise<LoadedFacts> {
    return this.load(at, null);
  }

  /** Some accounts' facts at `at`; an id that did not exist then is left out. */
  loadAccountFacts(accountIds: readonly string[], at: Date): Promise<LoadedFacts> {
    if (accountIds.length === 0) return Promise.resolve({ facts: [], unreadable: [] });
    return this.load(at, accountIds);
  }

  /** The team as it stood at `at`, ordered by id like the live list. */
  async listTeamMembers(at: Date): Promise<TeamMember[]> {
    const result = await sql<TeamMemberRow>`
      select v.image->>'id' as id, v.image->>'name' as name, v.image->>'email' as email,
        v.image->>'role' as role, v.image->>'region' as region, v.image->>'manager_id' as manager_id,
        v.image->>'title' as title, v.image->>'book_arr_target_cents' as book_arr_target_cents
      from fact_history v
      where v.table_name = 'team_members' and ${validAt(at)}
      order by v.image->>'id'`.execute(this.db);
    return result.rows.map((row) => toTeamMember(row, this.logger));
  }

  /**
   * One statement, one JSON array per table, in the live loader's orders (ids, usage by date), so
   * the assembled facts equal what the live loader read at that instant.
   */
  private async load(at: Date, accountIds: readonly string[] | null): Promise<LoadedFacts> {
    const ofAccounts =
      accountIds === null
        ? sql`v.account_id is not null`
        : sql`v.account_id = any(cast(${[...accountIds]} as text[]))`;
    const images = (table: keyof Database, orderBy: RawBuilder<unknown> = sql`(v.image->>'id')::bigint`) =>
      sql`(select coalesce(json_agg(v.image order by ${orderBy}), '[]'::json)
        from fact_history v where v.table_name = ${table} and ${ofAccounts} and ${validAt(at)})`;
    const result = await sql<FactRows>`
      select
        ${images('accounts', sql`v.image->>'id'`)} as accounts,
        ${images('account_owner_history')} as owners,
        ${images('arr_movements')} as arr,
        ${images('usage_snapshots', sql`v.image->>'measured_on'`)} as usage,
        ${images('timeline_entries')} as timeline,
        ${images('support_tickets')} as tickets,
        ${images('success_plans')} as plans,
        ${images('sp_objectives')} as objectives,
        ${images('sp_milestones')} as milestones,
        ${images('engagements')} as engagements,
        ${images('deliverables')} as deliverables,
        ${images('doc_updates')} as doc_updates,
        ${images('surveys')} as surveys,
        ${images('renewals')} as renewals,
        (select coalesce(json_agg((a.image || jsonb_build_object(
            'kind', s.image->'kind', 'title', s.image->'title', 'use_case', s.image->'use_case',
            'held_on', s.image->'held_on')) order by (a.image->>'id')::bigint), '[]'::json)
          from fact_history a join fact_history s
            on s.table_name = 'program_sessions' and s.row_id = a.image->>'session_id'
              and s.valid_from <= ${at} and (s.valid_to is null or s.valid_to > ${at})
          where a.table_name = 'program_attendance'
            and ${accountIds === null ? sql`true` : sql`a.account_id = any(cast(${[...accountIds]} as text[]))`}
            and a.valid_from <= ${at} and (a.valid_to is null or a.valid_to > ${at})) as attendance,
        ${images('health_overrides')} as overrides`.execute(this.db);
    return assembleFacts(result.rows[0]!);
  }
}

/** The version of a row (alias v) that held at `at`. */
function validAt(at: Date): RawBuilder<unknown> {
  return sql`v.valid_from <= ${at} and (v.valid_to is null or v.valid_to > ${at})`;
}
