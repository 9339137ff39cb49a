import { maxDaysColor } from '../colors.js';
import type { Bands, DayLimits, PulseConfig } from '../config.js';
import { addMonths } from '../dates.js';
import type { Color, EngagementKind, IsoDate, TeamMember } from '../facts.js';
import { arrAt, arrBuckets, type netArr, retention } from '../revenue.js';
import { timeToValueTeam } from '../time-to-value.js';
import type { AccountSummary, KpiUnit, Period, SummaryHistoryPoint, TimeToValueResult } from '../views.js';

/** Inputs of one card computation at one date. */
export interface CardContext {
  at: IsoDate;
  isNow: boolean;
  period: Period;
  /** Accounts in scope (current owners). */
  accounts: readonly AccountSummary[];
  /** Retention cohort scope (owners at t − 12 months). */
  cohort: readonly AccountSummary[];
  member: TeamMember | null;
  config: PulseConfig;
}

export interface CardValue {
  value: number | null;
  accountIds: string[];
  detail?: Record<string, number | string | null>;
  color?: Color;
  target?: number | null;
}

export interface CardDefinition {
  key: string;
  label: string;
  unit: KpiUnit;
  /** Colour bands; null when KPIS.md defines none (the card is grey-coloured, informational). */
  bands: (config: PulseConfig) => Bands | null;
  /** Null when the value cannot be derived honestly at a past date (trend point omitted). */
  compute: (ctx: CardContext) => CardValue | null;
}

export const noBands = () => null;

export function live(accounts: readonly AccountSummary[]): AccountSummary[] {
  return accounts.filter((s) => !s.churned);
}

export function historyAt(s: AccountSummary, at: IsoDate): SummaryHistoryPoint | undefined {
  return s.history[at];
}

export function share(
  numerator: readonly AccountSummary[],
  denominator: readonly AccountSummary[],
): CardValue {
  return {
    value: denominator.length > 0 ? numerator.length / denominator.length : null,
    accountIds: denominator.map((s) => s.accountId),
    detail: { numerator: numerator.length, denominator: denominator.length },
  };
}

/** A share of accounts whose past state comes from the summary history. */
export function historyShare(
  ctx: CardContext,
  applies: (s: AccountSummary) => boolean,
  passes: (h: SummaryHistoryPoint) => boolean,
): CardValue | null {
  const denominator: AccountSummary[] = [];
  const numerator: AccountSummary[] = [];
  for (const s of live(ctx.accounts)) {
    const h = historyAt(s, ctx.at);
    if (h === undefined) return null;
    if (!applies(s)) continue;
    denominator.push(s);
    if (passes(h)) numerator.push(s);
  }
  return share(numerator, denominator);
}

export function withinPeriod(date: IsoDate | null, ctx: CardContext): boolean {
  return date !== null && date >= ctx.period.start && date <= ctx.at;
}

/** Engaged in the period: an engagement active by `at`, or completed within the period. */
export function engagedIn(s: AccountSummary, ctx: CardContext, kind?: EngagementKind): boolean {
  return Object.values(s.engagements).some(
    (e) =>
      (kind === undefined || e.kind === kind) &&
      ((e.status === 'active' && e.startedOn !== null && e.startedOn <= ctx.at) ||
        (e.status === 'completed' && withinPeriod(e.completedOn, ctx))),
  );
}

export function deliverablesOnTime(ctx: CardContext, kind?: EngagementKind): CardValue {
  let due = 0;
  let onTime = 0;
  const ids = new Set<string>();
  for (const s of ctx.accounts) {
    for (const e of Object.values(s.engagements)) {
      if (kind !== undefined && e.kind !== kind) continue;
      for (const d of e.deliverables) {
        if (d.status === 'cancelled' || !withinPeriod(d.dueDate, ctx)) continue;
        due += 1;
        ids.add(s.accountId);
        if (d.deliveredOn !== null && d.deliveredOn <= d.dueDate && d.deliveredOn <= ctx.at) onTime += 1;
      }
    }
  }
  return { value: due > 0 ? onTime / due : null, accountIds: [...ids], detail: { due, onTime } };
}

export function timeToValueCard(
  ctx: CardContext,
  pick: (s: AccountSummary) => TimeToValueResult,
  limitsOf: (config: PulseConfig) => DayLimits,
): CardValue | null {
  if (!ctx.isNow) return null;
  const accounts = live(ctx.accounts);
  const team = timeToValueTeam(accounts.map(pick));
  const dayLimits = limitsOf(ctx.config);
  return {
    value: team.medianDays,
    color: team.medianDays === null ? 'grey' : maxDaysColor(team.medianDays, dayLimits),
    target: dayLimits.greenMaxDays,
    accountIds: accounts.filter((s) => pick(s).color !== 'grey').map((s) => s.accountId),
    detail: { withinTarget: team.withinTarget, decided: team.decided },
  };
}

export function primaryAdoption(ctx: CardContext, accounts: readonly AccountSummary[]): CardValue | null {
  const withPrimary: AccountSummary[] = [];
  const green: AccountSummary[] = [];
  let arr = 0;
  let greenArr = 0;
  for (const s of accounts) {
    const h = historyAt(s, ctx.at);
    if (h === undefined) return null;
    if (s.primaryUseCase === null) continue;
    const a = arrAt(s.arrMovements, ctx.at);
    withPrimary.push(s);
    arr += a;
    if (h.primaryUseCaseColor === 'green') {
      green.push(s);
      greenArr += a;
    }
  }
  const result = share(green, withPrimary);
  return { ...result, detail: { ...result.detail, arrWeighted: arr > 0 ? greenArr / arr : null } };
}

export function retentionCard(ctx: CardContext, which: 'grr' | 'nrr'): CardValue {
  const t0 = addMonths(ctx.at, -12);
  const members = ctx.cohort
    .map((s) => ({ s, arrStartCents: arrAt(s.arrMovements, t0), arrEndCents: arrAt(s.arrMovements, ctx.at) }))
    .filter((m) => m.arrStartCents > 0);
  const r = retention(members);
  return {
    value: r[which],
    accountIds: members.map((m) => m.s.accountId),
    detail: { startCents: r.startCents, endCents: r.endCents, retainedCents: r.retainedCents, since: t0 },
  };
}

export function arrCard(ctx: CardContext, pick: typeof netArr): CardValue {
  let total = 0;
  const moved: string[] = [];
  for (const s of ctx.accounts) {
    const value = pick(arrBuckets(s.arrMovements, ctx.period.start, ctx.at));
    const touched = s.arrMovements.some((m) => withinPeriod(m.effectiveDate, ctx));
    total += value;
    if (touched) moved.push(s.accountId);
  }
  return { value: total, accountIds: moved, detail: { periodStart: ctx.period.start } };
}
