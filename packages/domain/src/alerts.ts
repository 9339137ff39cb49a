/**
 * Alert rules over score changes and facts (issue 12): when a rule fires, whom it reaches, and when
 * it keeps quiet. Pure: the server feeds it the scorecards before and after a scoring and stores
 * what it raises in the same transaction as the scores.
 */
import type { PulseConfig } from './config.js';
import { daysBetween } from './dates.js';
import type { IsoInstant, OwnerRole, TeamMember } from './facts.js';
import { OWNER_ROLES } from './facts.js';
import { nextOpenRenewal } from './revenue.js';
import { inScopeNow, scopePeople } from './scope.js';
import type {
  AccountSummary,
  ColorCause,
  MeasureKey,
  ScopeFilters,
  ScoreChange,
  Scorecard,
} from './views.js';
import { MEASURE_KEYS } from './views.js';

export const ALERT_TRIGGERS = [
  'turned_red',
  'health_drop',
  'sentiment_red',
  'renewal_at_risk',
  'plan_at_risk',
  'use_case_stalled',
] as const;
export type AlertTrigger = (typeof ALERT_TRIGGERS)[number];

export interface AlertTriggerInfo {
  label: string;
  /** What a rule's threshold means, and its default from the configuration; null: no threshold. */
  threshold: { unit: 'points' | 'days'; default: (config: PulseConfig) => number } | null;
}

/** The built-in triggers; the UI and the messages read their names and thresholds from here. */
export const ALERT_TRIGGER_INFO: Record<AlertTrigger, AlertTriggerInfo> = {
  turned_red: { label: 'Account turned red', threshold: null },
  health_drop: {
    label: 'Health dropped by at least N points in 7 days',
    threshold: { unit: 'points', default: (config) => config.alerts.healthDropPoints },
  },
  sentiment_red: { label: 'Owner sentiment turned red', threshold: null },
  renewal_at_risk: {
    label: 'Renewal within N days forecast red or at risk',
    threshold: { unit: 'days', default: (config) => config.alerts.renewalWithinDays },
  },
  plan_at_risk: {
    label: 'Success plan red or not updated for N days',
    threshold: { unit: 'days', default: (config) => config.alerts.planNotUpdatedDays },
  },
  use_case_stalled: { label: 'Primary use case stalled (adoption red)', threshold: null },
};

/** What the evaluation needs of a stored rule. */
export interface AlertRuleSpec {
  id: number;
  trigger: AlertTrigger;
  /** Points or days (see ALERT_TRIGGER_INFO); null: the configuration's default. */
  threshold: number | null;
  scope: ScopeFilters;
  /** Null: the configuration's default. */
  quietHours: number | null;
}

export function ruleThreshold(rule: Pick<AlertRuleSpec, 'trigger' | 'threshold'>, config: PulseConfig) {
  const info = ALERT_TRIGGER_INFO[rule.trigger].threshold;
  return info === null ? null : (rule.threshold ?? info.default(config));
}

export interface AlertCondition {
  holds: boolean;
  /** In words, for the message ("renewal on 2026-03-01, in 45 days, forecast red"). */
  reason: string;
}

/** Why a scorecard is red, in words (its colour cause). */
const RED_BECAUSE: Record<ColorCause, string> = {
  score: 'health score below the red line',
  sentiment_override: 'owner sentiment is red',
  manual_override: 'set red by hand',
  will_churn: 'will churn',
  no_data: 'no data',
};

const no = (reason = ''): AlertCondition => ({ holds: false, reason });
const yes = (reason: string): AlertCondition => ({ holds: true, reason });

/**
 * Whether a trigger holds for one scorecard. Facts the scorecard does not carry (the renewal date,
 * the primary use case, the score a week ago) come from the account's current summary, so the same
 * function judges the scorecard before and after a scoring alike.
 */
export function triggerCondition(
  trigger: AlertTrigger,
  threshold: number | null,
  card: Scorecard,
  summary: AccountSummary,
  config: PulseConfig,
): AlertCondition {
  switch (trigger) {
    case 'turned_red':
      return card.color === 'red'
        ? yes(`turned red: ${RED_BECAUSE[card.colorCause]} (score ${card.score ?? '–'})`)
        : no();
    case 'health_drop': {
      const weekAgo = summary.scoreSevenDaysAgo;
      if (weekAgo === null || card.score === null || threshold === null) return no();
      const drop = Math.round((weekAgo - card.score) * 100) / 100;
      return drop >= threshold
        ? yes(
            `health dropped ${drop} points in ${config.turnedRedWindowDays} days (${weekAgo} → ${card.score})`,
          )
        : no();
    }
    case 'sentiment_red':
      return card.measures.owner_sentiment.color === 'red' ? yes('owner sentiment is red') : no();
    case 'renewal_at_risk': {
      const renewal = nextOpenRenewal(Object.values(summary.renewals));
      if (renewal === null || threshold === null) return no();
      const days = daysBetween(card.asOf, renewal.renewalDate);
      const color = card.renewalForecastColor;
      if (days < 0 || days > threshold || (color !== 'red' && color !== 'yellow')) return no();
      const forecast = color === 'red' ? 'forecast red' : 'at risk';
      return yes(`renewal on ${renewal.renewalDate}, in ${days} days, ${forecast}`);
    }
    case 'plan_at_risk': {
      const plan = card.measures.success_plan;
      if (plan.color === 'red') return yes(`success plan red: ${plan.reason}`);
      const updated = plan.inputs.find((input) => input.name === 'status')?.date ?? null;
      if (plan.color === 'grey' || updated === null || threshold === null) return no();
      const days = daysBetween(updated, card.asOf);
      return days > threshold ? yes(`success plan not updated for ${days} days`) : no();
    }
    case 'use_case_stalled': {
      const key = `${summary.primaryUseCase}_adoption`;
      // Agile planning is provisional and not a health measure: it is not watched.
      if (!(MEASURE_KEYS as readonly string[]).includes(key)) return no();
      const measure = card.measures[key as MeasureKey];
      return measure.color === 'red'
        ? yes(`primary use case ${measure.label} is red: ${measure.reason}`)
        : no();
    }
  }
}

/** One account scored again: its scorecard before and after, its new summary and the move recorded. */
export interface ScoredAgain {
  before: Scorecard;
  after: Scorecard;
  summary: AccountSummary;
  change: ScoreChange | null;
}

export interface FiredAlert {
  ruleId: number;
  accountId: string;
  trigger: AlertTrigger;
  reason: string;
  /** Health before (with the time it was scored) and after the scoring that raised it. */
  from: Pick<Scorecard, 'score' | 'color' | 'asOf'>;
  to: Pick<Scorecard, 'score' | 'color'>;
  /** The score move recorded with it, if the score or colour moved. */
  change: ScoreChange | null;
}

/**
 * The rules that start to hold with this scoring (held after, not before: a rule fires on the
 * move, not on every rescoring while the account stays red), for accounts in the rule's scope.
 * Mutes and quiet periods are applied after (withoutMuted, outsideQuietPeriod): the server reads
 * them only when something fires.
 */
export function firedAlerts(
  accounts: readonly ScoredAgain[],
  rules: readonly AlertRuleSpec[],
  members: readonly TeamMember[],
  config: PulseConfig,
): FiredAlert[] {
  const fired: FiredAlert[] = [];
  const people = new Map(rules.map((rule) => [rule.id, scopePeople(rule.scope, members)]));
  for (const { before, after, summary, change } of accounts) {
    for (const rule of rules) {
      if (!inScopeNow(summary, rule.scope, people.get(rule.id) ?? null)) continue;
      const threshold = ruleThreshold(rule, config);
      const now = triggerCondition(rule.trigger, threshold, after, summary, config);
      if (!now.holds || triggerCondition(rule.trigger, threshold, before, summary, config).holds) continue;
      fired.push({
        ruleId: rule.id,
        accountId: after.accountId,
        trigger: rule.trigger,
        reason: now.reason,
        from: { score: before.score, color: before.color, asOf: before.asOf },
        to: { score: after.score, color: after.color },
        change,
      });
    }
  }
  return fired;
}

/** A mute silences an account until its end. */
export function isMuted(until: IsoInstant | undefined, at: IsoInstant): boolean {
  return until !== undefined && Date.parse(until) > Date.parse(at);
}

/** Drops the alerts of accounts muted at `at` (`mutedUntil` by account id). */
export function withoutMuted(
  fired: readonly FiredAlert[],
  mutedUntil: ReadonlyMap<string, IsoInstant>,
  at: IsoInstant,
): FiredAlert[] {
  return fired.filter((alert) => !isMuted(mutedUntil.get(alert.accountId), at));
}

/** Whether an alert raised at `lastRaisedAt` keeps the same rule quiet on the same account at `at`. */
export function inQuietPeriod(
  lastRaisedAt: IsoInstant | undefined,
  at: IsoInstant,
  quietHours: number,
): boolean {
  if (lastRaisedAt === undefined) return false;
  return Date.parse(at) - Date.parse(lastRaisedAt) < quietHours * 3_600_000;
}

export const alertKey = (ruleId: number, accountId: string) => `${ruleId}:${accountId}`;

/**
 * Drops the alerts whose rule already alerted on the account within its quiet period
 * (`lastRaised` by alertKey), and a second alert of one rule on one account in the same batch.
 */
export function outsideQuietPeriod(
  fired: readonly FiredAlert[],
  rules: readonly AlertRuleSpec[],
  lastRaised: ReadonlyMap<string, IsoInstant>,
  at: IsoInstant,
  config: PulseConfig,
): FiredAlert[] {
  const quietHours = new Map(rules.map((rule) => [rule.id, rule.quietHours ?? config.alerts.quietHours]));
  const raised = new Set<string>();
  return fired.filter((alert) => {
    const key = alertKey(alert.ruleId, alert.accountId);
    if (raised.has(key)) return false;
    if (inQuietPeriod(lastRaised.get(key), at, quietHours.get(alert.ruleId) ?? config.alerts.quietHours))
      return false;
    raised.add(key);
    return true;
  });
}

/** Who hears about an account by default: its owners and their managers, each once. */
export function alertRecipients(
  owners: Record<OwnerRole, string | null>,
  members: readonly Pick<TeamMember, 'id' | 'managerId'>[],
): string[] {
  const byId = new Map(members.map((member) => [member.id, member]));
  const recipients = new Set<string>();
  for (const role of OWNER_ROLES) {
    const owner = owners[role];
    if (owner === null || !byId.has(owner)) continue;
    recipients.add(owner);
    const manager = byId.get(owner)?.managerId ?? null;
    if (manager !== null && byId.has(manager)) recipients.add(manager);
  }
  return [...recipients];
}
