import { Inject, Injectable } from '@nestjs/common';
import type { AlertTrigger, Color, FiredAlert, IsoInstant, ScopeFilters } from '@pulse/domain';
import { alertKey } from '@pulse/domain';
import type { AlertChannel, AlertChannelKind, AlertRule, AlertView, FailingReceiver } from '@pulse/protocol';
import { type Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';

export type { AlertRule, AlertView, FailingReceiver };

export type AlertRuleInput = Omit<AlertRule, 'id' | 'updatedAt'>;

/** An alert not yet planned, with what planning needs. */
export interface UnplannedAlert {
  id: number;
  channels: AlertChannel[];
  owners: (string | null)[];
}

export interface PlannedDelivery {
  alertId: number;
  channel: AlertChannelKind;
  target: string;
  secret: string | null;
}

export interface LeasedDelivery {
  id: number;
  channel: AlertChannelKind;
  target: string;
  secret: string | null;
  idempotencyKey: string;
  attempts: number;
  alert: AlertView;
}

const iso = (date: Date) => date.toISOString();

@Injectable()
export class AlertsRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  // ─── Rules ─────────────────────────────────────────────────────────────────────────────────────

  async listRules(): Promise<AlertRule[]> {
    const rows = await this.db.selectFrom('alert_rules').selectAll().orderBy('id').execute();
    return rows.map(toRule);
  }

  async insertRule(rule: AlertRuleInput): Promise<AlertRule> {
    const row = await this.db
      .insertInto('alert_rules')
      .values(ruleValues(rule))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRule(row);
  }

  async updateRule(id: number, rule: AlertRuleInput): Promise<AlertRule | null> {
    const row = await this.db
      .updateTable('alert_rules')
      .set({ ...ruleValues(rule), updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toRule(row) : null;
  }

  async deleteRule(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // ─── Raising (with the scores) ─────────────────────────────────────────────────────────────────

  async activeMutes(at: Date): Promise<Map<string, IsoInstant>> {
    const rows = await this.db
      .selectFrom('account_mutes')
      .select(['account_id', 'muted_until'])
      .where('muted_until', '>', at)
      .execute();
    return new Map(rows.map((row) => [row.account_id, iso(row.muted_until)]));
  }

  /** When each (rule, account) last alerted, for the quiet periods. */
  async lastRaised(fired: readonly FiredAlert[]): Promise<Map<string, IsoInstant>> {
    if (fired.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('alerts')
      .select(['rule_id', 'account_id', (eb) => eb.fn.max('raised_at').as('last')])
      .where('rule_id', 'in', [...new Set(fired.map((alert) => alert.ruleId))])
      .where('account_id', 'in', [...new Set(fired.map((alert) => alert.accountId))])
      .groupBy(['rule_id', 'account_id'])
      .execute();
    return new Map(rows.map((row) => [alertKey(row.rule_id, row.account_id), iso(row.last as Date)]));
  }

  /**
   * Puts alerts in the outbox, inside the caller's transaction (the one writing the score change).
   * An alert raised by a score move links to it: the account's newest score_changes row, written
   * just before in the same transaction.
   *
   * Two processes scoring the same account at once (each reading the same old scorecard) would
   * both raise its alert: each takes the account's transaction lock, and an alert is left out
   * when the same rule already alerted on the account after the scorecard it was judged against.
   */
  static async writeOutbox(trx: Kysely<Database>, alerts: readonly FiredAlert[], at: Date): Promise<void> {
    if (alerts.length === 0) return;
    const accountIds = [...new Set(alerts.map((alert) => alert.accountId))].sort();
    await sql`select pg_advisory_xact_lock(hashtext('pulse.alerts:' || id))
      from unnest(${accountIds}::text[]) as id order by id`.execute(trx);
    for (const { ruleId, accountId, trigger, reason, from, to, change } of alerts) {
      await sql`insert into alerts (rule_id, account_id, score_change_id, trigger, reason,
          from_score, to_score, from_color, to_color, contributions, raised_at)
        select ${ruleId}::bigint, ${accountId}::text,
          ${change ? sql`(select max(id) from score_changes where account_id = ${accountId})` : null}::bigint,
          ${trigger}::text, ${reason}::text, ${from.score}::numeric, ${to.score}::numeric,
          ${from.color}::text, ${to.color}::text,
          ${change ? JSON.stringify(change.contributions) : null}::jsonb, ${at}::timestamptz
        where not exists (select 1 from alerts where rule_id = ${ruleId} and account_id = ${accountId}
          and raised_at > ${new Date(from.asOf)}::timestamptz)`.execute(trx);
    }
  }

  // ─── Mutes ─────────────────────────────────────────────────────────────────────────────────────

  async mute(accountId: string, until: Date, by: string | null): Promise<void> {
    await this.db
      .insertInto('account_mutes')
      .values({ account_id: accountId, muted_until: until, muted_by: by })
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet({ muted_until: until, muted_by: by, created_at: new Date() }),
      )
      .execute();
  }

  async unmute(accountId: string): Promise<void> {
    await this.db.deleteFrom('account_mutes').where('account_id', '=', accountId).execute();
  }

  async muteOf(accountId: string): Promise<{ until: string; by: string | null } | null> {
    const row = await this.db
      .selectFrom('account_mutes')
      .select(['muted_until', 'muted_by'])
      .where('account_id', '=', accountId)
      .where('muted_until', '>', new Date())
      .executeTakeFirst();
    return row ? { until: iso(row.muted_until), by: row.muted_by } : null;
  }

  // ─── Planning and delivery (the worker) ────────────────────────────────────────────────────────

  async teamMembers(): Promise<{ id: string; managerId: string | null; email: string }[]> {
    const rows = await this.db.selectFrom('team_members').select(['id', 'manager_id', 'email']).execute();
    return rows.map((row) => ({ id: row.id, managerId: row.manager_id, email: row.email }));
  }

  /**
   * Plans up to `limit` new alerts in one transaction: the `planner`'s function turns each into
   * recipients and deliveries. Rows another process is planning are skipped (SKIP LOCKED), so each is planned once.
   */
  async planNextIfAny(
    limit: number,
    planner: () => Promise<
      (alert: UnplannedAlert) => { recipients: string[]; deliveries: PlannedDelivery[] }
    >,
  ): Promise<number> {
    // A look without a transaction first: the deliverer polls, and most looks find nothing.
    const any = await this.db
      .selectFrom('alerts')
      .select('id')
      .where('planned_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    if (any === undefined) return 0;
    const plan = await planner();
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('alerts as al')
        .innerJoin('alert_rules as r', 'r.id', 'al.rule_id')
        .innerJoin('accounts as a', 'a.id', 'al.account_id')
        .select(['al.id', 'r.channels', 'a.csm_id', 'a.cse_id', 'a.csa_id', 'a.ae_id', 'a.rm_id'])
        .where('al.planned_at', 'is', null)
        .orderBy('al.id')
        .limit(limit)
        .forUpdate('al')
        .skipLocked()
        .execute();
      if (rows.length === 0) return 0;
      const recipients: { alert_id: number; member_id: string }[] = [];
      const deliveries: PlannedDelivery[] = [];
      for (const row of rows) {
        const planned = plan({
          id: row.id,
          channels: row.channels,
          owners: [row.csm_id, row.cse_id, row.csa_id, row.ae_id, row.rm_id],
        });
        recipients.push(...planned.recipients.map((member) => ({ alert_id: row.id, member_id: member })));
        deliveries.push(...planned.deliveries);
      }
      if (recipients.length > 0)
        await trx
          .insertInto('alert_recipients')
          .values(recipients)
          .onConflict((oc) => oc.doNothing())
          .execute();
      if (deliveries.length > 0)
        await trx
          .insertInto('alert_deliveries')
          .values(
            deliveries.map((d) => ({
              alert_id: d.alertId,
              channel: d.channel,
              target: d.target,
              secret: d.secret,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      await trx
        .updateTable('alerts')
        .set({ planned_at: sql`now()` })
        .where(
          'id',
          'in',
          rows.map((row) => row.id),
        )
        .execute();
      return rows.length;
    });
  }

  /**
   * Leases up to `limit` due deliveries for `leaseMs` and counts the try. A lease that ends
   * unreleased (the process died mid-send) makes the delivery due again; SKIP LOCKED and the lease
   * keep every other process off it meanwhile.
   */
  async leaseDue(limit: number, leaseMs: number): Promise<LeasedDelivery[]> {
    const leased = await this.db
      .updateTable('alert_deliveries')
      .set((eb) => ({
        leased_until: sql`now() + ${leaseMs} * interval '1 millisecond'`,
        attempts: eb('attempts', '+', 1),
      }))
      .where(
        'id',
        'in',
        this.db
          .selectFrom('alert_deliveries')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', sql<Date>`now()`)
          .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', sql<Date>`now()`)]))
          .orderBy('id')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'alert_id', 'channel', 'target', 'secret', 'idempotency_key', 'attempts'])
      .execute();
    if (leased.length === 0) return [];
    const alerts = new Map(
      (
        await this.alertsQuery()
          .where('al.id', 'in', [...new Set(leased.map((d) => d.alert_id))])
          .execute()
      ).map((row) => [row.id, toAlertView(row)]),
    );
    return leased
      .sort((a, b) => a.id - b.id)
      .map((d) => ({
        id: d.id,
        channel: d.channel,
        target: d.target,
        secret: d.secret,
        idempotencyKey: d.idempotency_key,
        attempts: d.attempts,
        alert: alerts.get(d.alert_id)!,
      }));
  }

  async markDelivered(delivery: LeasedDelivery): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('alert_deliveries')
        .set({ status: 'delivered', delivered_at: sql`now()`, leased_until: null, last_error: null })
        .where('id', '=', delivery.id)
        .execute();
      await trx
        .insertInto('alert_receivers')
        .values({
          channel: delivery.channel,
          target: delivery.target,
          consecutive_failures: 0,
          failing_since: null,
          last_error: null,
          last_success_at: new Date(),
        })
        .onConflict((oc) =>
          oc.columns(['channel', 'target']).doUpdateSet({
            consecutive_failures: 0,
            failing_since: null,
            last_error: null,
            last_success_at: new Date(),
          }),
        )
        .execute();
    });
  }

  /**
   * Records a failed try: due again after `retryInMs`, or given up (null). The receiver counts the
   * failure and is marked failing once it reaches `failingAfter` in a row.
   */
  async markFailed(
    delivery: LeasedDelivery,
    error: string,
    retryInMs: number | null,
    failingAfter: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('alert_deliveries')
        .set({
          status: retryInMs === null ? 'failed' : 'pending',
          next_attempt_at: sql`now() + ${retryInMs ?? 0} * interval '1 millisecond'`,
          leased_until: null,
          last_error: error,
        })
        .where('id', '=', delivery.id)
        .execute();
      await trx
        .insertInto('alert_receivers')
        .values({
          channel: delivery.channel,
          target: delivery.target,
          consecutive_failures: 1,
          failing_since: failingAfter <= 1 ? new Date() : null,
          last_error: error,
          last_success_at: null,
        })
        .onConflict((oc) =>
          oc.columns(['channel', 'target']).doUpdateSet({
            consecutive_failures: sql`alert_receivers.consecutive_failures + 1`,
            failing_since: sql`case when alert_receivers.consecutive_failures + 1 >= ${failingAfter}
              then coalesce(alert_receivers.failing_since, now()) end`,
            last_error: error,
          }),
        )
        .execute();
    });
  }

  async failingReceivers(): Promise<FailingReceiver[]> {
    const rows = await this.db
      .selectFrom('alert_receivers')
      .selectAll()
      .where('failing_since', 'is not', null)
      .orderBy('failing_since', 'desc')
      .execute();
    return rows.map((row) => ({
      channel: row.channel,
      target: row.target,
      consecutiveFailures: row.consecutive_failures,
      failingSince: iso(row.failing_since!),
      lastError: row.last_error,
    }));
  }

  // ─── The bell ──────────────────────────────────────────────────────────────────────────────────

  /** A person's alerts, newest first. */
  async alertsFor(memberId: string, limit: number): Promise<AlertView[]> {
    const rows = await this.alertsQuery()
      .innerJoin('alert_recipients as ar', 'ar.alert_id', 'al.id')
      .where('ar.member_id', '=', memberId)
      .orderBy('al.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toAlertView);
  }

  async countFor(memberId: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('alerts as al')
      .innerJoin('alert_recipients as ar', 'ar.alert_id', 'al.id')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('ar.member_id', '=', memberId)
      .where('al.raised_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async memberExists(memberId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('team_members')
      .select('id')
      .where('id', '=', memberId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async accountExists(accountId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', accountId)
      .executeTakeFirst();
    return row !== undefined;
  }

  private alertsQuery() {
    return this.db
      .selectFrom('alerts as al')
      .innerJoin('alert_rules as r', 'r.id', 'al.rule_id')
      .innerJoin('accounts as a', 'a.id', 'al.account_id')
      .select([
        'al.id',
        'al.rule_id',
        'r.name as rule_name',
        'al.account_id',
        'a.name as account_name',
        'al.score_change_id',
        'al.trigger',
        'al.reason',
        'al.from_score',
        'al.to_score',
        'al.from_color',
        'al.to_color',
        'al.contributions',
        'al.raised_at',
      ]);
  }
}

function ruleValues(rule: AlertRuleInput) {
  return {
    name: rule.name,
    trigger: rule.trigger,
    threshold: rule.threshold,
    scope: JSON.stringify(rule.scope),
    quiet_hours: rule.quietHours,
    channels: JSON.stringify(rule.channels),
    enabled: rule.enabled,
    created_by: rule.createdBy,
  };
}

function toRule(row: {
  id: number;
  name: string;
  trigger: AlertTrigger;
  threshold: number | null;
  scope: ScopeFilters;
  quiet_hours: number | null;
  channels: AlertChannel[];
  enabled: boolean;
  created_by: string | null;
  updated_at: Date;
}): AlertRule {
  return {
    id: row.id,
    name: row.name,
    trigger: row.trigger,
    threshold: row.threshold,
    scope: row.scope,
    quietHours: row.quiet_hours,
    channels: row.channels,
    enabled: row.enabled,
    createdBy: row.created_by,
    updatedAt: iso(row.updated_at),
  };
}

function toAlertView(row: {
  id: number;
  rule_id: number;
  rule_name: string;
  account_id: string;
  account_name: string;
  score_change_id: number | null;
  trigger: AlertTrigger;
  reason: string;
  from_score: number | null;
  to_score: number | null;
  from_color: Color | null;
  to_color: Color | null;
  contributions: unknown;
  raised_at: Date;
}): AlertView {
  const contributions = (row.contributions ?? {}) as Record<string, { label: string; points: number }>;
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    accountId: row.account_id,
    accountName: row.account_name,
    scoreChangeId: row.score_change_id,
    trigger: row.trigger,
    reason: row.reason,
    fromScore: row.from_score,
    toScore: row.to_score,
    fromColor: row.from_color,
    toColor: row.to_color,
    contributions: Object.fromEntries(
      Object.entries(contributions).map(([key, c]) => [key, { label: c.label, points: c.points }]),
    ),
    raisedAt: iso(row.raised_at),
  };
}
