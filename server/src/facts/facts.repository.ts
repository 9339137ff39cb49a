import { Inject, Injectable } from '@nestjs/common';
import type {
  AccountFacts,
  Engagement,
  HealthOverride,
  Objective,
  SuccessPlan,
  TeamMember,
} from '@pulse/domain';
import { type Kysely, type Selectable, sql } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';

/** Rows read as JSON carry instants as strings; both forms become ISO 'YYYY-MM-DDTHH:mm:ss.sssZ'. */
const iso = (instant: Date | string) => new Date(instant).toISOString();
const isoOrNull = (instant: Date | string | null) => (instant === null ? null : iso(instant));

/** Reads the facts tables into the engine's input shapes (AccountFacts), many accounts per query. */
@Injectable()
export class FactsRepository {
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

  async listTeamMembers(): Promise<TeamMember[]> {
    const rows = await this.db.selectFrom('team_members').selectAll().orderBy('id').execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email,
      role: row.role,
      region: row.region,
      managerId: row.manager_id,
      title: row.title,
      bookArrTargetCents: row.book_arr_target_cents,
    }));
  }

  /** Loads every fact of the given accounts; unknown ids are left out. One query per table. */
  async loadAccountFacts(accountIds: readonly string[]): Promise<AccountFacts[]> {
    if (accountIds.length === 0) return [];
    const ids = [...accountIds];
    const [
      accounts,
      owners,
      arr,
      usage,
      timeline,
      tickets,
      plans,
      engagements,
      surveys,
      renewals,
      attendance,
      overrides,
    ] = await Promise.all([
      this.rowsOf('accounts', 'id', ids),
      this.rowsOf('account_owner_history', 'account_id', ids),
      this.rowsOf('arr_movements', 'account_id', ids),
      this.rowsOf('usage_snapshots', 'account_id', ids, 'measured_on'),
      this.rowsOf('timeline_entries', 'account_id', ids),
      this.rowsOf('support_tickets', 'account_id', ids),
      this.loadSuccessPlans(ids),
      this.loadEngagements(ids),
      this.rowsOf('surveys', 'account_id', ids),
      this.rowsOf('renewals', 'account_id', ids),
      this.db
        .selectFrom('program_attendance as a')
        .innerJoin('program_sessions as s', 's.id', 'a.session_id')
        .select([
          'a.id',
          'a.session_id',
          'a.account_id',
          'a.attendees',
          's.kind',
          's.title',
          's.use_case',
          's.held_on',
        ])
        .where('a.account_id', 'in', ids)
        .orderBy('a.id')
        .execute(),
      this.rowsOf('health_overrides', 'account_id', ids),
    ]);

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
          createdAt: iso(row.created_at),
          updatedAt: iso(row.updated_at),
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
    for (const plan of plans) {
      const facts = factsOf(plan.accountId);
      if (facts) facts.successPlan = plan;
    }
    for (const engagement of engagements) factsOf(engagement.accountId)?.engagements.push(engagement);
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
    return [...byAccount.values()];
  }

  private async loadSuccessPlans(ids: string[]): Promise<SuccessPlan[]> {
    const plans = await this.rowsOf('success_plans', 'account_id', ids);
    if (plans.length === 0) return [];
    const planIds = plans.map((plan) => plan.id);
    const objectives = await this.rowsOf('sp_objectives', 'plan_id', planIds);
    const objectiveIds = objectives.map((objective) => objective.id);
    const milestones = objectiveIds.length
      ? await this.rowsOf('sp_milestones', 'objective_id', objectiveIds)
      : [];

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
    return plans.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      status: row.status,
      hasStrategy: row.has_strategy,
      hasHighlights: row.has_highlights,
      updatedAt: iso(row.updated_at),
      objectives: [...objectivesById.values()].filter((objective) => objective.planId === row.id),
    }));
  }

  private async loadEngagements(ids: string[]): Promise<Engagement[]> {
    const engagements = await this.rowsOf('engagements', 'account_id', ids);
    if (engagements.length === 0) return [];
    const engagementIds = engagements.map((engagement) => engagement.id);
    const [deliverables, docUpdates] = await Promise.all([
      this.rowsOf('deliverables', 'engagement_id', engagementIds),
      this.rowsOf('doc_updates', 'engagement_id', engagementIds),
    ]);
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

  /**
   * Rows of a facts table whose `column` is one of `keys`, ordered by `orderBy`. The rows travel as
   * one JSON value: the embedded database decodes a row at a time slowly, JSON in one piece quickly.
   * Instants arrive as strings (see `iso`).
   */
  private async rowsOf<T extends keyof Database>(
    table: T,
    column: keyof Database[T] & string,
    keys: readonly (string | number)[],
    orderBy: keyof Database[T] & string = 'id' as keyof Database[T] & string,
  ): Promise<Selectable<Database[T]>[]> {
    if (keys.length === 0) return [];
    const keyType = typeof keys[0] === 'number' ? sql`bigint[]` : sql`text[]`;
    const result = await sql<{ rows: Selectable<Database[T]>[] }>`
      select coalesce(json_agg(t order by t.${sql.ref(orderBy)}), '[]'::json) as rows
      from ${sql.table(table)} t
      where t.${sql.ref(column)} = any(cast(${[...keys]} as ${keyType}))`.execute(this.db);
    return result.rows[0]?.rows ?? [];
  }
}
