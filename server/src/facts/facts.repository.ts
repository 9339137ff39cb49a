import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  AccountFacts,
  Engagement,
  HealthOverride,
  Objective,
  SuccessPlan,
  TeamMember,
} from '@pulse/domain';
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';
import { type BoundedTable, boundViolation, type ColumnBound, FACT_BOUNDS } from './fact-bounds.js';

/** A stored value the engine cannot represent (it got in before the schema's range checks). */
export interface UnreadableRow {
  accountId: string;
  table: BoundedTable;
  rowId: string;
  column: string;
  value: string;
  reason: string;
}

export interface LoadedFacts {
  /** Every found account; one listed in `unreadable` lacks those rows (fit to show, not to score). */
  facts: AccountFacts[];
  unreadable: UnreadableRow[];
}

/** Rows read as JSON carry instants as strings; both forms become ISO 'YYYY-MM-DDTHH:mm:ss.sssZ'. */
const iso = (instant: Date | string) => new Date(instant).toISOString();
const isoOrNull = (instant: Date | string | null) => (instant === null ? null : iso(instant));
/** An account row is kept even when unreadable (see screenFactRows): its instants as stored then. */
const isoOrStored = (instant: Date | string) =>
  Number.isNaN(new Date(instant).getTime()) ? String(instant) : iso(instant);

/** Reads the facts tables into the engine's input shapes (AccountFacts), many accounts per query. */
@Injectable()
export class FactsRepository {
  private readonly logger = new Logger('Facts');

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

  /**
   * Team members, read as the engine can use them: a book target out of bounds (stored before the
   * range checks) is left out with a warning, so the role's default applies instead of every view
   * failing on one row.
   */
  async listTeamMembers(): Promise<TeamMember[]> {
    const rows = await this.db
      .selectFrom('team_members')
      .select(['id', 'name', 'email', 'role', 'region', 'manager_id', 'title'])
      // As text: the bigint parser refuses a value beyond 2^53 rather than round it.
      .select(sql<string | null>`book_arr_target_cents::text`.as('book_arr_target_cents'))
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email,
      role: row.role,
      region: row.region,
      managerId: row.manager_id,
      title: row.title,
      bookArrTargetCents: this.bookArrTarget(row.id, row.book_arr_target_cents),
    }));
  }

  private bookArrTarget(memberId: string, stored: string | null): number | null {
    if (stored === null) return null;
    const reason = boundViolation(FACT_BOUNDS.team_members.book_arr_target_cents, Number(stored));
    if (reason === null) return Number(stored);
    this.logger.warn(
      `team_members row ${memberId}: book_arr_target_cents ${reason} ('${stored}'); the role's default target applies until it is fixed`,
    );
    return null;
  }

  /**
   * Loads every fact of the given accounts; unknown ids are left out. One statement returns every
   * table as one JSON array: the embedded database pays per statement and decodes a row at a time
   * slowly, and on Postgres one round trip costs less server CPU than fifteen. A row with a value
   * out of the engine's bounds never throws: it is left out and reported in `unreadable`.
   */
  async loadAccountFacts(accountIds: readonly string[]): Promise<LoadedFacts> {
    if (accountIds.length === 0) return { facts: [], unreadable: [] };
    const wanted = sql`cast(${[...accountIds]} as text[])`;
    const ofAccounts = sql`t.account_id = any(${wanted})`;
    const result = await sql<FactRows>`
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
          sql`t.plan_id in (select p.id from success_plans p where p.account_id = any(${wanted}))`,
        )} as objectives,
        ${jsonRows(
          'sp_milestones',
          sql`t.objective_id in (
            select o.id from sp_objectives o join success_plans p on p.id = o.plan_id
            where p.account_id = any(${wanted}))`,
        )} as milestones,
        ${jsonRows('engagements', ofAccounts)} as engagements,
        ${jsonRows('deliverables', sql`t.engagement_id in (${engagementIdsOf(wanted)})`)} as deliverables,
        ${jsonRows('doc_updates', sql`t.engagement_id in (${engagementIdsOf(wanted)})`)} as doc_updates,
        ${jsonRows('surveys', ofAccounts)} as surveys,
        ${jsonRows('renewals', ofAccounts)} as renewals,
        (select coalesce(json_agg(json_build_object(
            'id', a.id, 'session_id', a.session_id, 'account_id', a.account_id, 'attendees', a.attendees,
            'kind', s.kind, 'title', s.title, 'use_case', s.use_case, 'held_on', s.held_on
          ) order by a.id), '[]'::json)
          from program_attendance a join program_sessions s on s.id = a.session_id
          where a.account_id = any(${wanted})) as attendance,
        ${jsonRows('health_overrides', ofAccounts)} as overrides`.execute(this.db);
    const { rows, unreadable } = screenFactRows(result.rows[0]!);
    const {
      accounts,
      owners,
      arr,
      usage,
      timeline,
      tickets,
      plans,
      objectives,
      milestones,
      engagements,
      deliverables,
      doc_updates: docUpdates,
      surveys,
      renewals,
      attendance,
      overrides,
    } = rows;

    const byAccount = new Map<string, AccountFacts>();
    for (const row of accounts) {
      byAccount.set(row.id, {
        account: {
          id: row.id,
          name: row.name,
          segment: row.segment,
          region: row.region,
          successTier: row.success_tier,
          planTier: row.plan_tier,
          priority: row.priority,
          lifecycleStage: row.lifecycle_stage,
          primaryUseCase: row.primary_use_case,
          csmId: row.csm_id,
          cseId: row.cse_id,
          csaId: row.csa_id,
          aeId: row.ae_id,
          rmId: row.rm_id,
          licensedSeats: row.licensed_seats,
          contractStart: row.contract_start,
          renewalDate: row.renewal_date,
          onboardingStart: row.onboarding_start,
          onboardingClosed: row.onboarding_closed,
          firstValueDate: row.first_value_date,
          createdAt: isoOrStored(row.created_at),
          updatedAt: isoOrStored(row.updated_at),
        },
        ownerHistory: [],
        arrMovements: [],
        usageSnapshots: [],
        timeline: [],
        supportTickets: [],
        successPlan: null,
        engagements: [],
        surveys: [],
        renewals: [],
        programAttendance: [],
        healthOverrides: [],
      });
    }
    const factsOf = (accountId: string) => byAccount.get(accountId);

    for (const row of owners) {
      factsOf(row.account_id)?.ownerHistory.push({
        id: row.id,
        accountId: row.account_id,
        role: row.role,
        memberId: row.member_id,
        validFrom: iso(row.valid_from),
      });
    }
    for (const row of arr) {
      factsOf(row.account_id)?.arrMovements.push({
        id: row.id,
        accountId: row.account_id,
        kind: row.kind,
        amountCents: row.amount_cents,
        effectiveDate: row.effective_date,
        note: row.note,
      });
    }
    for (const row of usage) {
      factsOf(row.account_id)?.usageSnapshots.push({
        id: row.id,
        accountId: row.account_id,
        measuredOn: row.measured_on,
        billableUsers: row.billable_users,
        activeUsers28d: row.active_users_28d,
        gitOperationUsers: row.git_operation_users,
        ciBuilds: row.ci_builds,
        ciPipelines: row.ci_pipelines,
        scannerUsers: row.scanner_users,
        scans: row.scans,
        scannerTypes: row.scanner_types,
        deployingUsers: row.deploying_users,
        deployments: row.deployments,
        successfulDeployments: row.successful_deployments,
        issueUsers: row.issue_users,
        epicUsers: row.epic_users,
      });
    }
    for (const row of timeline) {
      factsOf(row.account_id)?.timeline.push({
        id: row.id,
        accountId: row.account_id,
        authorId: row.author_id,
        kind: row.kind,
        occurredAt: iso(row.occurred_at),
        sentiment: row.sentiment,
        personas: row.personas,
        summary: row.summary,
      });
    }
    for (const row of tickets) {
      factsOf(row.account_id)?.supportTickets.push({
        id: row.id,
        accountId: row.account_id,
        severity: row.severity,
        openedAt: iso(row.opened_at),
        closedAt: isoOrNull(row.closed_at),
        subject: row.subject,
      });
    }
    for (const plan of successPlans(plans, objectives, milestones)) {
      const facts = factsOf(plan.accountId);
      if (facts) facts.successPlan = plan;
    }
    for (const engagement of engagementsOf(engagements, deliverables, docUpdates)) {
      factsOf(engagement.accountId)?.engagements.push(engagement);
    }
    for (const row of surveys) {
      factsOf(row.account_id)?.surveys.push({
        id: row.id,
        accountId: row.account_id,
        engagementId: row.engagement_id,
        kind: row.kind,
        sentOn: row.sent_on,
        respondedOn: row.responded_on,
        score: row.score,
      });
    }
    for (const row of renewals) {
      factsOf(row.account_id)?.renewals.push({
        id: row.id,
        accountId: row.account_id,
        renewalDate: row.renewal_date,
        atrCents: row.atr_cents,
        forecastCents: row.forecast_cents,
        riskCategory: row.risk_category,
        riskReason: row.risk_reason,
        status: row.status,
        wonCents: row.won_cents,
        closedOn: row.closed_on,
      });
    }
    for (const row of attendance) {
      factsOf(row.account_id)?.programAttendance.push({
        id: row.id,
        sessionId: row.session_id,
        accountId: row.account_id,
        attendees: row.attendees,
        session: {
          id: row.session_id,
          kind: row.kind,
          title: row.title,
          useCase: row.use_case,
          heldOn: row.held_on,
        },
      });
    }
    for (const row of overrides) {
      const override: HealthOverride = {
        id: row.id,
        accountId: row.account_id,
        color: row.color,
        reason: row.reason,
        authorId: row.author_id,
        createdAt: iso(row.created_at),
        expiresAt: isoOrNull(row.expires_at),
        clearedAt: isoOrNull(row.cleared_at),
        clearedBy: row.cleared_by,
      };
      factsOf(row.account_id)?.healthOverrides.push(override);
    }
    return { facts: [...byAccount.values()], unreadable };
  }
}

type Row<T extends keyof Database> = Selectable<Database[T]>;

/** A program attendance row with its session's columns. */
interface AttendanceRow {
  id: number;
  session_id: number;
  account_id: string;
  attendees: number;
  kind: Row<'program_sessions'>['kind'];
  title: string;
  use_case: Row<'program_sessions'>['use_case'];
  held_on: string;
}

/** What `loadAccountFacts`' statement returns: one JSON array of rows per table. */
interface FactRows {
  accounts: Row<'accounts'>[];
  owners: Row<'account_owner_history'>[];
  arr: Row<'arr_movements'>[];
  usage: Row<'usage_snapshots'>[];
  timeline: Row<'timeline_entries'>[];
  tickets: Row<'support_tickets'>[];
  plans: Row<'success_plans'>[];
  objectives: Row<'sp_objectives'>[];
  milestones: Row<'sp_milestones'>[];
  engagements: Row<'engagements'>[];
  deliverables: Row<'deliverables'>[];
  doc_updates: Row<'doc_updates'>[];
  surveys: Row<'surveys'>[];
  renewals: Row<'renewals'>[];
  attendance: AttendanceRow[];
  overrides: Row<'health_overrides'>[];
}

/**
 * Leaves out every row with a value out of its column's bounds (see fact-bounds.ts) and reports it
 * against its account, found through the row's parents for child tables. An unreadable accounts
 * row is reported but kept, so the account page can still show what is stored; it is never scored.
 */
function screenFactRows(raw: FactRows): { rows: FactRows; unreadable: UnreadableRow[] } {
  const unreadable: UnreadableRow[] = [];
  const ofAccount = (row: { account_id: string }) => row.account_id;
  const planAccount = new Map(raw.plans.map((row) => [row.id, row.account_id]));
  const objectiveAccount = new Map(raw.objectives.map((row) => [row.id, planAccount.get(row.plan_id)]));
  const engagementAccount = new Map(raw.engagements.map((row) => [row.id, row.account_id]));
  const ofEngagement = (row: { engagement_id: number }) => engagementAccount.get(row.engagement_id);
  /** Reports each out-of-bounds value of `row`; true when it has none. */
  const isReadable = (
    table: BoundedTable,
    row: object,
    accountId: string | undefined,
    rowId: number | string,
  ) => {
    let readable = true;
    for (const [column, bound] of Object.entries<ColumnBound>(FACT_BOUNDS[table])) {
      const value = (row as Record<string, unknown>)[column];
      const reason = boundViolation(bound, value);
      if (reason === null) continue;
      readable = false;
      if (accountId === undefined) continue;
      unreadable.push({ accountId, table, rowId: String(rowId), column, value: String(value), reason });
    }
    return readable;
  };
  const screen = <R extends { id: number | string }>(
    table: BoundedTable,
    rows: readonly R[],
    accountOf: (row: R) => string | undefined,
    rowIdOf: (row: R) => number | string = (row) => row.id,
  ): R[] => rows.filter((row) => isReadable(table, row, accountOf(row), rowIdOf(row)));
  // An unreadable accounts row is kept, only reported: the account page still shows what is stored.
  for (const row of raw.accounts) isReadable('accounts', row, row.id, row.id);
  const rows: FactRows = {
    accounts: raw.accounts,
    owners: screen('account_owner_history', raw.owners, ofAccount),
    arr: screen('arr_movements', raw.arr, ofAccount),
    usage: screen('usage_snapshots', raw.usage, ofAccount),
    timeline: screen('timeline_entries', raw.timeline, ofAccount),
    tickets: screen('support_tickets', raw.tickets, ofAccount),
    plans: screen('success_plans', raw.plans, ofAccount),
    objectives: screen('sp_objectives', raw.objectives, (row) => planAccount.get(row.plan_id)),
    milestones: screen('sp_milestones', raw.milestones, (row) => objectiveAccount.get(row.objective_id)),
    engagements: screen('engagements', raw.engagements, ofAccount),
    deliverables: screen('deliverables', raw.deliverables, ofEngagement),
    doc_updates: screen('doc_updates', raw.doc_updates, ofEngagement),
    surveys: screen('surveys', raw.surveys, ofAccount),
    renewals: screen('renewals', raw.renewals, ofAccount),
    // An attendance row carries its session's columns too; a bad session is reported as itself.
    attendance: screen(
      'program_sessions',
      screen('program_attendance', raw.attendance, ofAccount),
      ofAccount,
      (row) => row.session_id,
    ),
    overrides: screen('health_overrides', raw.overrides, ofAccount),
  };
  return { rows, unreadable };
}

/** The rows of `table` matching `where` (on alias `t`) as one JSON array ordered by `orderBy`. */
function jsonRows<T extends keyof Database>(
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

function successPlans(
  plans: Row<'success_plans'>[],
  objectives: Row<'sp_objectives'>[],
  milestones: Row<'sp_milestones'>[],
): SuccessPlan[] {
  const objectivesById = new Map<number, Objective>();
  for (const row of objectives) {
    objectivesById.set(row.id, {
      id: row.id,
      planId: row.plan_id,
      title: row.title,
      useCase: row.use_case,
      dueDate: row.due_date,
      status: row.status,
      successCriteria: row.success_criteria,
      outcomeStage: row.outcome_stage,
      milestones: [],
    });
  }
  for (const row of milestones) {
    objectivesById.get(row.objective_id)?.milestones.push({
      id: row.id,
      objectiveId: row.objective_id,
      title: row.title,
      technical: row.technical,
      ownerId: row.owner_id,
      dueDate: row.due_date,
      status: row.status,
      progressPct: row.progress_pct,
    });
  }
  const objectivesOfPlan = new Map<number, Objective[]>();
  for (const objective of objectivesById.values()) {
    const list = objectivesOfPlan.get(objective.planId);
    if (list) list.push(objective);
    else objectivesOfPlan.set(objective.planId, [objective]);
  }
  return plans.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    status: row.status,
    hasStrategy: row.has_strategy,
    hasHighlights: row.has_highlights,
    updatedAt: iso(row.updated_at),
    objectives: objectivesOfPlan.get(row.id) ?? [],
  }));
}

function engagementsOf(
  engagements: Row<'engagements'>[],
  deliverables: Row<'deliverables'>[],
  docUpdates: Row<'doc_updates'>[],
): Engagement[] {
  const byId = new Map<number, Engagement>();
  for (const row of engagements) {
    byId.set(row.id, {
      id: row.id,
      accountId: row.account_id,
      cseId: row.cse_id,
      kind: row.kind,
      status: row.status,
      startedOn: row.started_on,
      completedOn: row.completed_on,
      deliverables: [],
      docUpdates: [],
    });
  }
  for (const row of deliverables) {
    byId.get(row.engagement_id)?.deliverables.push({
      id: row.id,
      engagementId: row.engagement_id,
      title: row.title,
      dueDate: row.due_date,
      deliveredOn: row.delivered_on,
      status: row.status,
    });
  }
  for (const row of docUpdates) {
    byId.get(row.engagement_id)?.docUpdates.push({
      id: row.id,
      engagementId: row.engagement_id,
      url: row.url,
      updatedOn: row.updated_on,
    });
  }
  return [...byId.values()];
}
