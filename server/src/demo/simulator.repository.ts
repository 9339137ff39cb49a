import { Inject, Injectable } from '@nestjs/common';
import type {
  ArrMovementKind,
  LifecycleStage,
  MilestoneStatus,
  Persona,
  RiskCategory,
  SentimentColor,
  SuccessTier,
  TicketSeverity,
  TimelineKind,
} from '@pulse/domain';
import { type Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';

/** What the simulator needs to know about an account to write facts for it. */
export interface SimulatedAccount {
  readonly id: string;
  readonly successTier: SuccessTier;
  readonly lifecycleStage: LifecycleStage;
  readonly licensedSeats: number;
  readonly csmId: string | null;
  readonly cseId: string | null;
  readonly csaId: string | null;
}

/** The counters of one usage snapshot (every column but the keys). */
export interface UsageCounts {
  billableUsers: number;
  activeUsers28d: number;
  gitOperationUsers: number;
  ciBuilds: number;
  ciPipelines: number;
  scannerUsers: number;
  scans: number;
  scannerTypes: number;
  deployingUsers: number;
  deployments: number;
  successfulDeployments: number;
  issueUsers: number;
  epicUsers: number;
}

export interface MilestoneProgress {
  readonly status: MilestoneStatus;
  readonly progressPct: number;
}

export interface RenewalForecast {
  readonly atrCents: number;
  readonly forecastCents: number;
  readonly riskCategory: RiskCategory;
  readonly riskReason: string | null;
}

export interface ArrMovementDraft {
  readonly kind: ArrMovementKind;
  readonly amountCents: number;
  readonly note: string;
}

/**
 * The simulator's writes. Each method is one small transaction (PGlite runs on the main thread);
 * where a write depends on the current row, `decide` is called inside the transaction with it.
 */
@Injectable()
export class SimulatorRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** Accounts that are not churned, in id order. */
  async listActiveAccounts(): Promise<SimulatedAccount[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .select(['id', 'success_tier', 'lifecycle_stage', 'licensed_seats', 'csm_id', 'cse_id', 'csa_id'])
      .where('lifecycle_stage', '<>', 'churned')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      successTier: row.success_tier,
      lifecycleStage: row.lifecycle_stage,
      licensedSeats: row.licensed_seats,
      csmId: row.csm_id,
      cseId: row.cse_id,
      csaId: row.csa_id,
    }));
  }

  /** Upserts the snapshot of (account, measuredOn) from the account's latest snapshot (null if none). */
  async recordUsage(
    accountId: string,
    measuredOn: string,
    decide: (latest: UsageCounts | null) => UsageCounts,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const latest = await trx
        .selectFrom('usage_snapshots')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('measured_on', 'desc')
        .limit(1)
        .executeTakeFirst();
      const next = decide(
        latest
          ? {
              billableUsers: latest.billable_users,
              activeUsers28d: latest.active_users_28d,
              gitOperationUsers: latest.git_operation_users,
              ciBuilds: latest.ci_builds,
              ciPipelines: latest.ci_pipelines,
              scannerUsers: latest.scanner_users,
              scans: latest.scans,
              scannerTypes: latest.scanner_types,
              deployingUsers: latest.deploying_users,
              deployments: latest.deployments,
              successfulDeployments: latest.successful_deployments,
              issueUsers: latest.issue_users,
              epicUsers: latest.epic_users,
            }
          : null,
      );
      const counts = {
        billable_users: next.billableUsers,
        active_users_28d: next.activeUsers28d,
        git_operation_users: next.gitOperationUsers,
        ci_builds: next.ciBuilds,
        ci_pipelines: next.ciPipelines,
        scanner_users: next.scannerUsers,
        scans: next.scans,
        scanner_types: next.scannerTypes,
        deploying_users: next.deployingUsers,
        deployments: next.deployments,
        successful_deployments: next.successfulDeployments,
        issue_users: next.issueUsers,
        epic_users: next.epicUsers,
      };
      await trx
        .insertInto('usage_snapshots')
        .values({ account_id: accountId, measured_on: measuredOn, ...counts })
        .onConflict((oc) => oc.columns(['account_id', 'measured_on']).doUpdateSet(counts))
        .execute();
    });
  }

  async addTimelineEntry(entry: {
    accountId: string;
    authorId: string | null;
    kind: TimelineKind;
    occurredAt: Date;
    sentiment: SentimentColor | null;
    personas: Persona[];
    summary: string;
  }): Promise<void> {
    await this.db
      .insertInto('timeline_entries')
      .values({
        account_id: entry.accountId,
        author_id: entry.authorId,
        kind: entry.kind,
        occurred_at: entry.occurredAt,
        sentiment: entry.sentiment,
        personas: entry.personas,
        summary: entry.summary,
      })
      .execute();
  }

  async openTicket(accountId: string, severity: TicketSeverity, subject: string, at: Date): Promise<void> {
    await this.db
      .insertInto('support_tickets')
      .values({ account_id: accountId, severity, opened_at: at, subject })
      .execute();
  }

  /** Closes the account's oldest open ticket; false when none is open. */
  async closeOldestOpenTicket(accountId: string, at: Date): Promise<boolean> {
    const closed = await this.db
      .updateTable('support_tickets')
      // A ticket opened "in the future" by another writer's clock still closes validly.
      .set({ closed_at: sql<Date>`greatest(${at}::timestamptz, opened_at)` })
      .where(
        'id',
        '=',
        this.db
          .selectFrom('support_tickets')
          .select('id')
          .where('account_id', '=', accountId)
          .where('closed_at', 'is', null)
          .orderBy('opened_at')
          .orderBy('id')
          .limit(1),
      )
      .executeTakeFirst();
    return closed.numUpdatedRows > 0n;
  }

  /** Moves the account's first unfinished milestone on; false when it has none. */
  async stepOpenMilestone(
    accountId: string,
    decide: (current: MilestoneProgress) => MilestoneProgress,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const milestone = await trx
        .selectFrom('sp_milestones as m')
        .innerJoin('sp_objectives as o', 'o.id', 'm.objective_id')
        .innerJoin('success_plans as p', 'p.id', 'o.plan_id')
        .select(['m.id', 'm.status', 'm.progress_pct'])
        .where('p.account_id', '=', accountId)
        .where('m.status', 'in', ['not_started', 'in_progress'])
        .orderBy('m.due_date')
        .orderBy('m.id')
        .limit(1)
        .executeTakeFirst();
      if (!milestone) return false;
      const next = decide({ status: milestone.status, progressPct: milestone.progress_pct });
      await trx
        .updateTable('sp_milestones')
        .set({ status: next.status, progress_pct: next.progressPct })
        .where('id', '=', milestone.id)
        .execute();
      return true;
    });
  }

  /** Adds a milestone under the account's first open objective; false when it has none. */
  async addMilestone(
    accountId: string,
    milestone: { title: string; technical: boolean; ownerId: string | null; dueDate: string },
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const objective = await trx
        .selectFrom('sp_objectives as o')
        .innerJoin('success_plans as p', 'p.id', 'o.plan_id')
        .select('o.id')
        .where('p.account_id', '=', accountId)
        .where('o.status', 'in', ['not_started', 'on_track', 'watchpoint', 'concern'])
        .orderBy('o.id')
        .limit(1)
        .executeTakeFirst();
      if (!objective) return false;
      await trx
        .insertInto('sp_milestones')
        .values({
          objective_id: objective.id,
          title: milestone.title,
          technical: milestone.technical,
          owner_id: milestone.ownerId,
          due_date: milestone.dueDate,
          status: 'not_started',
          progress_pct: 0,
        })
        .execute();
      return true;
    });
  }

  /**
   * Delivers the account's open deliverable due first (on planned or active engagements);
   * returns its due date, or null when none is open.
   */
  async deliverNext(accountId: string, deliveredOn: string): Promise<{ dueDate: string } | null> {
    return this.db.transaction().execute(async (trx) => {
      const deliverable = await trx
        .selectFrom('deliverables as d')
        .innerJoin('engagements as e', 'e.id', 'd.engagement_id')
        .select(['d.id', 'd.due_date'])
        .where('e.account_id', '=', accountId)
        .where('e.status', 'in', ['planned', 'active'])
        .where('d.status', '=', 'open')
        .orderBy('d.due_date')
        .orderBy('d.id')
        .limit(1)
        .executeTakeFirst();
      if (!deliverable) return null;
      await trx
        .updateTable('deliverables')
        .set({ status: 'delivered', delivered_on: deliveredOn })
        .where('id', '=', deliverable.id)
        .execute();
      return { dueDate: deliverable.due_date };
    });
  }

  /** Adds an open deliverable to the account's latest planned or active engagement; false when none. */
  async addDeliverable(accountId: string, title: string, dueDate: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const engagement = await trx
        .selectFrom('engagements')
        .select('id')
        .where('account_id', '=', accountId)
        .where('status', 'in', ['planned', 'active'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!engagement) return false;
      await trx
        .insertInto('deliverables')
        .values({ engagement_id: engagement.id, title, due_date: dueDate, status: 'open' })
        .execute();
      return true;
    });
  }

  /** Revises the forecast of the account's next open renewal; false when it has none. */
  async reviseRenewal(
    accountId: string,
    decide: (current: RenewalForecast) => RenewalForecast,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const renewal = await trx
        .selectFrom('renewals')
        .select(['id', 'atr_cents', 'forecast_cents', 'risk_category', 'risk_reason'])
        .where('account_id', '=', accountId)
        .where('status', '=', 'open')
        .orderBy('renewal_date')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!renewal) return false;
      const next = decide({
        atrCents: renewal.atr_cents,
        forecastCents: renewal.forecast_cents,
        riskCategory: renewal.risk_category,
        riskReason: renewal.risk_reason,
      });
      await trx
        .updateTable('renewals')
        .set({
          forecast_cents: next.forecastCents,
          risk_category: next.riskCategory,
          risk_reason: next.riskReason,
        })
        .where('id', '=', renewal.id)
        .execute();
      return true;
    });
  }

  /**
   * Records an ARR movement decided from the account's current ARR (sum of its movements); a churn
   * also marks the account churned. Returns the movement's kind.
   */
  async recordArrMovement(
    accountId: string,
    effectiveDate: string,
    decide: (currentArrCents: number) => ArrMovementDraft,
  ): Promise<ArrMovementKind> {
    return this.db.transaction().execute(async (trx) => {
      const { arr } = await trx
        .selectFrom('arr_movements')
        .select(
          sql<string>`coalesce(sum(case when kind in ('new', 'expansion') then amount_cents else -amount_cents end), 0)`.as(
            'arr',
          ),
        )
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      const movement = decide(Number(arr));
      await trx
        .insertInto('arr_movements')
        .values({
          account_id: accountId,
          kind: movement.kind,
          amount_cents: movement.amountCents,
          effective_date: effectiveDate,
          note: movement.note,
        })
        .execute();
      if (movement.kind === 'churn') {
        await trx
          .updateTable('accounts')
          .set({ lifecycle_stage: 'churned', updated_at: sql<Date>`now()` })
          .where('id', '=', accountId)
          .execute();
      }
      return movement.kind;
    });
  }
}
