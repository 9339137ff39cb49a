import { bandColor, maxDaysColor } from './colors.js';
import type { Bands, DayLimits, PulseConfig } from './config.js';
import { addMonths, trendDates } from './dates.js';
import {
  COLORS,
  type Color,
  type EngagementKind,
  type IsoDate,
  type TeamMember,
  USE_CASES,
} from './facts.js';
import { fiscalQuarter } from './fiscal.js';
import {
  arrAt,
  arrBuckets,
  bookArrColor,
  bookArrTarget,
  growthNetArr,
  netArr,
  netArrWaterfall,
  renewalRate,
  retention,
} from './revenue.js';
import { bookOf, filterRetentionCohort, filterSummaries, scopePeople } from './scope.js';
import { timeToValueTeam } from './time-to-value.js';
import type {
  AccountSummary,
  AdoptionMatrix,
  HealthDistribution,
  KpiCard,
  KpiUnit,
  LeaderboardEntry,
  Period,
  PlanFunnel,
  PlanStatusShown,
  RenewalSummary,
  ScopeFilters,
  SummaryHistoryPoint,
  TeamView,
  TeamViewKind,
  TimeToValueResult,
} from './views.js';

/** Inputs of one card computation at one date. */
interface CardContext {
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

interface CardValue {
  value: number | null;
  accountIds: string[];
  detail?: Record<string, number | string | null>;
  color?: Color;
  target?: number | null;
}

interface CardDefinition {
  key: string;
  label: string;
  unit: KpiUnit;
  /** Colour bands; null when KPIS.md defines none (the card is grey-coloured, informational). */
  bands: (config: PulseConfig) => Bands | null;
  /** Null when the value cannot be derived honestly at a past date (trend point omitted). */
  compute: (ctx: CardContext) => CardValue | null;
}

const noBands = () => null;

function live(accounts: readonly AccountSummary[]): AccountSummary[] {
  return accounts.filter((s) => !s.churned);
}

function historyAt(s: AccountSummary, at: IsoDate): SummaryHistoryPoint | undefined {
  return s.history[at];
}

function share(numerator: readonly AccountSummary[], denominator: readonly AccountSummary[]): CardValue {
  return {
    value: denominator.length > 0 ? numerator.length / denominator.length : null,
    accountIds: denominator.map((s) => s.accountId),
    detail: { numerator: numerator.length, denominator: denominator.length },
  };
}

/** A share of accounts whose past state comes from the summary history. */
function historyShare(
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

function withinPeriod(date: IsoDate | null, ctx: CardContext): boolean {
  return date !== null && date >= ctx.period.start && date <= ctx.at;
}

/** Engaged in the period: an engagement active by `at`, or completed within the period. */
function engagedIn(s: AccountSummary, ctx: CardContext, kind?: EngagementKind): boolean {
  return Object.values(s.engagements).some(
    (e) =>
      (kind === undefined || e.kind === kind) &&
      ((e.status === 'active' && e.startedOn !== null && e.startedOn <= ctx.at) ||
        (e.status === 'completed' && withinPeriod(e.completedOn, ctx))),
  );
}

function deliverablesOnTime(ctx: CardContext, kind?: EngagementKind): CardValue {
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

function timeToValueCard(
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

function primaryAdoption(ctx: CardContext, accounts: readonly AccountSummary[]): CardValue | null {
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

const CSM_CARDS: CardDefinition[] = [
  {
    key: 'average_health',
    label: 'Average health score',
    unit: 'points',
    bands: (c) => c.scoreBands,
    compute: (ctx) => {
      const scored: AccountSummary[] = [];
      let total = 0;
      for (const s of live(ctx.accounts)) {
        const h = historyAt(s, ctx.at);
        if (h === undefined) return null;
        // will_churn accounts stay out of health averages (KPIS.md §1.3)
        if (h.excludedFromHealthAverages || h.score === null) continue;
        scored.push(s);
        total += h.score;
      }
      return {
        value: scored.length > 0 ? Math.round((total / scored.length) * 100) / 100 : null,
        accountIds: scored.map((s) => s.accountId),
      };
    },
  },
  {
    key: 'green_success_plans',
    label: 'Green success plans',
    unit: 'ratio',
    bands: (c) => c.greenSuccessPlans,
    compute: (ctx) => {
      if (!ctx.isNow) return null;
      const applicable = live(ctx.accounts).filter((s) => s.plan.applicable);
      return share(
        applicable.filter((s) => s.plan.color === 'green'),
        applicable,
      );
    },
  },
  {
    key: 'ebr_coverage',
    label: 'EBR coverage',
    unit: 'ratio',
    bands: (c) => c.ebr.coverage,
    compute: (ctx) =>
      historyShare(
        ctx,
        (s) => s.ebrApplicable,
        (h) => h.ebrCovered,
      ),
  },
  {
    key: 'ebrs_delivered',
    label: 'EBRs delivered',
    unit: 'count',
    bands: noBands,
    compute: (ctx) => {
      const held = ctx.accounts.filter((s) => s.ebrDates.some((d) => withinPeriod(d, ctx)));
      const count = ctx.accounts.reduce(
        (n, s) => n + s.ebrDates.filter((d) => withinPeriod(d, ctx)).length,
        0,
      );
      return { value: count, accountIds: held.map((s) => s.accountId) };
    },
  },
  {
    key: 'cadence_coverage',
    label: 'Cadence coverage',
    unit: 'ratio',
    bands: (c) => c.cadenceCoverage,
    compute: (ctx) =>
      historyShare(
        ctx,
        (s) => s.cadenceApplicable,
        (h) => h.cadenceColor === 'green',
      ),
  },
  {
    key: 'time_to_engage',
    label: 'Time to engage',
    unit: 'days',
    bands: noBands,
    compute: (ctx) =>
      timeToValueCard(
        ctx,
        (s) => s.timeToEngage,
        (c) => c.timeToEngage,
      ),
  },
  {
    key: 'time_to_first_value',
    label: 'Time to first value',
    unit: 'days',
    bands: noBands,
    compute: (ctx) =>
      timeToValueCard(
        ctx,
        (s) => s.timeToFirstValue,
        (c) => c.timeToFirstValue,
      ),
  },
  {
    key: 'time_to_onboard',
    label: 'Time to onboard',
    unit: 'days',
    bands: noBands,
    compute: (ctx) =>
      timeToValueCard(
        ctx,
        (s) => s.timeToOnboard,
        (c) => c.timeToOnboard,
      ),
  },
  {
    key: 'primary_use_case_adoption',
    label: 'Primary use-case adoption',
    unit: 'ratio',
    bands: (c) => c.primaryUseCaseAdoption,
    compute: (ctx) => primaryAdoption(ctx, live(ctx.accounts)),
  },
  {
    key: 'use_case_expansion',
    label: 'Use-case expansion',
    unit: 'ratio',
    bands: (c) => c.useCaseExpansion,
    compute: (ctx) => {
      if (!ctx.isNow) return null;
      const accounts = live(ctx.accounts);
      return share(
        accounts.filter((s) =>
          USE_CASES.some(
            (uc) => s.useCaseColors[uc] === 'green' && s.useCaseColorsAtQuarterStart[uc] !== 'green',
          ),
        ),
        accounts,
      );
    },
  },
  {
    key: 'platform_adoption',
    label: 'Platform adoption (ARR share at 3+ use cases)',
    unit: 'ratio',
    bands: (c) => c.platformAdoption,
    compute: (ctx) => {
      const arrByCount = [0, 0, 0, 0];
      const platform: string[] = [];
      for (const s of live(ctx.accounts)) {
        const h = historyAt(s, ctx.at);
        if (h === undefined) return null;
        const green = USE_CASES.filter((uc) => h.useCaseColors[uc] === 'green').length;
        const bucket = Math.min(green, ctx.config.platformAdoptionUseCases);
        arrByCount[bucket]! += arrAt(s.arrMovements, ctx.at);
        if (bucket === ctx.config.platformAdoptionUseCases) platform.push(s.accountId);
      }
      const total = arrByCount.reduce((a, b) => a + b, 0);
      const shareOf = (n: number) => (total > 0 ? n / total : null);
      return {
        value: shareOf(arrByCount[3]!),
        accountIds: platform,
        detail: {
          arrShare0: shareOf(arrByCount[0]!),
          arrShare1: shareOf(arrByCount[1]!),
          arrShare2: shareOf(arrByCount[2]!),
          arrShare3Plus: shareOf(arrByCount[3]!),
        },
      };
    },
  },
  {
    key: 'grr',
    label: 'Gross retention (12 months)',
    unit: 'ratio',
    bands: (c) => c.grr,
    compute: (ctx) => retentionCard(ctx, 'grr'),
  },
  {
    key: 'nrr',
    label: 'Net retention (12 months)',
    unit: 'ratio',
    bands: (c) => c.nrr,
    compute: (ctx) => retentionCard(ctx, 'nrr'),
  },
  {
    key: 'net_arr',
    label: 'Net ARR (quarter to date)',
    unit: 'cents',
    bands: noBands,
    compute: (ctx) => arrCard(ctx, netArr),
  },
  {
    key: 'growth_net_arr',
    label: 'Growth net ARR (quarter to date)',
    unit: 'cents',
    bands: noBands,
    compute: (ctx) => arrCard(ctx, growthNetArr),
  },
  {
    key: 'renewal_rate',
    label: 'Renewal rate (closed in 12 months)',
    unit: 'ratio',
    bands: (c) => c.renewalRate,
    compute: (ctx) => {
      // Plain loops: this card runs for every owner and trend date of every live team view.
      const from = addMonths(ctx.at, -12);
      const closed: RenewalSummary[] = [];
      const accountIds = new Set<string>();
      for (const s of ctx.accounts) {
        for (const r of Object.values(s.renewals)) {
          if (r.status !== 'open' && r.closedOn !== null && r.closedOn > from && r.closedOn <= ctx.at) {
            closed.push(r);
            accountIds.add(s.accountId);
          }
        }
      }
      const rate = renewalRate(closed);
      return {
        value: rate.rate,
        accountIds: [...accountIds],
        detail: { atrCents: rate.atrCents, wonCents: rate.wonCents },
      };
    },
  },
  {
    key: 'stale_sentiment',
    label: 'Stale sentiment',
    unit: 'count',
    bands: noBands,
    compute: (ctx) => {
      const stale: AccountSummary[] = [];
      for (const s of live(ctx.accounts)) {
        const h = historyAt(s, ctx.at);
        if (h === undefined) return null;
        if (h.sentimentStale) stale.push(s);
      }
      return { value: stale.length, accountIds: stale.map((s) => s.accountId) };
    },
  },
  {
    key: 'book_arr',
    label: 'Book ARR',
    unit: 'cents',
    bands: noBands,
    compute: (ctx) => {
      const accounts = live(ctx.accounts);
      const arr = accounts.reduce((sum, s) => sum + arrAt(s.arrMovements, ctx.at), 0);
      const target = ctx.member ? bookArrTarget(ctx.member, ctx.config) : null;
      return {
        value: arr,
        accountIds: accounts.map((s) => s.accountId),
        target,
        color: bookArrColor(arr, target, ctx.config),
      };
    },
  },
];

function retentionCard(ctx: CardContext, which: 'grr' | 'nrr'): CardValue {
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

function arrCard(ctx: CardContext, pick: typeof netArr): CardValue {
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

const CSE_CARDS: CardDefinition[] = [
  {
    key: 'cse_green_plans_with_milestones',
    label: 'Green success plans with technical milestones & objectives',
    unit: 'ratio',
    bands: (c) => c.cseKpi.greenPlans,
    compute: (ctx) => {
      if (!ctx.isNow) return null;
      const engaged = live(ctx.accounts).filter((s) => engagedIn(s, ctx));
      const result = share(
        engaged.filter((s) => s.plan.greenWithTechnicalMilestones),
        engaged,
      );
      const complete = engaged.map((s) => s.plan.percentComplete).filter((p): p is number => p !== null);
      const mean = complete.length > 0 ? complete.reduce((a, b) => a + b, 0) / complete.length : null;
      return { ...result, detail: { ...result.detail, meanPercentComplete: mean } };
    },
  },
  {
    key: 'deliverables_on_time',
    label: 'Deliverables achieved within the timeline',
    unit: 'ratio',
    bands: (c) => c.cseKpi.deliverablesOnTime,
    compute: (ctx) => deliverablesOnTime(ctx),
  },
  {
    key: 'csat',
    label: 'Post-engagement CSAT',
    unit: 'ratio',
    bands: (c) => c.cseKpi.csat,
    compute: (ctx) => {
      const min = ctx.config.cseKpi.csatMinResponses;
      let sent = 0;
      let answered = 0;
      let satisfied = 0;
      let npsResponses = 0;
      let promoters = 0;
      let detractors = 0;
      const ids = new Set<string>();
      for (const s of ctx.accounts) {
        for (const survey of Object.values(s.surveys)) {
          if (survey.engagementId === null) continue;
          const responded = survey.score !== null && withinPeriod(survey.respondedOn, ctx);
          if (survey.kind === 'csat') {
            if (withinPeriod(survey.sentOn, ctx)) sent += 1;
            if (!responded) continue;
            answered += 1;
            ids.add(s.accountId);
            if ((survey.score as number) >= 4) satisfied += 1;
          } else if (responded) {
            npsResponses += 1;
            ids.add(s.accountId);
            if ((survey.score as number) >= 9) promoters += 1;
            else if ((survey.score as number) <= 6) detractors += 1;
          }
        }
      }
      return {
        value: answered >= min ? satisfied / answered : null,
        accountIds: [...ids],
        detail: {
          responses: answered,
          sent,
          responseRate: sent > 0 ? Math.min(1, answered / sent) : null,
          nps: npsResponses >= min ? (100 * (promoters - detractors)) / npsResponses : null,
          npsResponses,
        },
      };
    },
  },
  {
    key: 'docs_per_engagement',
    label: 'Docs updated per engagement',
    unit: 'ratio',
    bands: (c) => c.cseKpi.docsPerEngagement,
    compute: (ctx) => {
      let completed = 0;
      let documented = 0;
      const ids = new Set<string>();
      for (const s of ctx.accounts) {
        for (const e of Object.values(s.engagements)) {
          if (e.status !== 'completed' || !withinPeriod(e.completedOn, ctx)) continue;
          completed += 1;
          ids.add(s.accountId);
          if (e.docUpdateDates.some((d) => d <= ctx.at)) documented += 1;
        }
      }
      return {
        value: completed > 0 ? documented / completed : null,
        accountIds: [...ids],
        detail: { completed, documented },
      };
    },
  },
  {
    key: 'engaged_primary_use_case_adoption',
    label: 'Primary use-case adoption of engaged accounts',
    unit: 'ratio',
    bands: (c) => c.primaryUseCaseAdoption,
    compute: (ctx) =>
      primaryAdoption(
        ctx,
        live(ctx.accounts).filter((s) => engagedIn(s, ctx)),
      ),
  },
  {
    key: 'arr_engaged',
    label: 'ARR engaged',
    unit: 'ratio',
    bands: noBands,
    compute: (ctx) => {
      let total = 0;
      let engagedArr = 0;
      const engaged: string[] = [];
      for (const s of live(ctx.accounts)) {
        const arr = arrAt(s.arrMovements, ctx.at);
        total += arr;
        if (engagedIn(s, ctx)) {
          engagedArr += arr;
          engaged.push(s.accountId);
        }
      }
      return {
        value: total > 0 ? engagedArr / total : null,
        accountIds: engaged,
        detail: { engagedArrCents: engagedArr },
      };
    },
  },
  {
    key: 'program_reach',
    label: 'Program reach (accounts attending)',
    unit: 'ratio',
    bands: noBands,
    compute: (ctx) => {
      const accounts = live(ctx.accounts);
      let webinar = 0;
      let lab = 0;
      const reached = accounts.filter((s) => {
        const attended = s.programAttendance.filter((p) => withinPeriod(p.heldOn, ctx));
        for (const p of attended) {
          if (p.kind === 'webinar') webinar += p.attendees;
          else lab += p.attendees;
        }
        return attended.length > 0;
      });
      const result = share(reached, accounts);
      return {
        ...result,
        accountIds: reached.map((s) => s.accountId),
        detail: { ...result.detail, webinarAttendees: webinar, handsOnLabAttendees: lab },
      };
    },
  },
];

const CSA_EXTRA_CARDS: CardDefinition[] = [
  {
    key: 'accelerators_delivered',
    label: 'Accelerators delivered against entitlement',
    unit: 'ratio',
    bands: (c) => c.accelerators.delivered,
    compute: (ctx) => {
      if (!ctx.isNow) return null;
      const entitled = live(ctx.accounts).filter((s) => s.acceleratorEntitlementPerYear > 0);
      const owed = entitled.reduce((n, s) => n + s.acceleratorEntitlementPerYear, 0);
      const delivered = entitled.reduce(
        (n, s) => n + Math.min(s.acceleratorsLast365Days, s.acceleratorEntitlementPerYear),
        0,
      );
      const overdue = entitled.filter((s) => s.acceleratorOverdue).map((s) => s.accountId);
      return {
        value: owed > 0 ? delivered / owed : null,
        accountIds: entitled.map((s) => s.accountId),
        detail: { entitlement: owed, delivered, overdue: overdue.length, overdueAccounts: overdue.join(',') },
      };
    },
  },
  {
    key: 'accelerator_deliverables_on_time',
    label: 'Accelerator deliverables on time',
    unit: 'ratio',
    bands: (c) => c.cseKpi.deliverablesOnTime,
    compute: (ctx) => deliverablesOnTime(ctx, 'accelerator'),
  },
];

export const TEAM_VIEW_CARDS: Record<TeamViewKind, readonly CardDefinition[]> = {
  cse: CSE_CARDS,
  csm: CSM_CARDS,
  csa: [...CSM_CARDS, ...CSA_EXTRA_CARDS],
};

function buildCards(
  definitions: readonly CardDefinition[],
  accounts: readonly AccountSummary[],
  cohort: readonly AccountSummary[],
  member: TeamMember | null,
  asOf: IsoDate,
  config: PulseConfig,
  withTrend: boolean,
): Record<string, KpiCard> {
  const dates = withTrend ? trendDates(asOf, config.trendPoints) : [asOf];
  const contexts = dates.map(
    (at): CardContext => ({
      at,
      isNow: at === asOf,
      period: fiscalQuarter(at, config),
      accounts,
      cohort,
      member,
      config,
    }),
  );
  const cards: Record<string, KpiCard> = {};
  for (const def of definitions) {
    const bands = def.bands(config);
    const trend = [];
    let now: CardValue | null = null;
    for (const ctx of contexts) {
      const result = def.compute(ctx);
      if (result === null) continue;
      trend.push({ date: ctx.at, value: result.value });
      if (ctx.isNow) now = result;
    }
    const value = now?.value ?? null;
    cards[def.key] = {
      key: def.key,
      label: def.label,
      value,
      unit: def.unit,
      color: now?.color ?? (bands ? bandColor(value, bands) : 'grey'),
      target: now?.target !== undefined ? now.target : (bands?.green ?? null),
      trend,
      accountIds: now?.accountIds ?? [],
      detail: now?.detail ?? {},
    };
  }
  return cards;
}

export function healthDistribution(accounts: readonly AccountSummary[]): HealthDistribution {
  const colors = Object.fromEntries(
    COLORS.map((c) => [
      c,
      { count: 0, arrCents: 0, arrShare: null as number | null, accountIds: [] as string[] },
    ]),
  ) as HealthDistribution['colors'];
  let totalArr = 0;
  const active = live(accounts);
  for (const s of active) {
    const bucket = colors[s.healthColor];
    bucket.count += 1;
    bucket.arrCents += s.arrNowCents;
    bucket.accountIds.push(s.accountId);
    totalArr += s.arrNowCents;
  }
  for (const c of COLORS) colors[c].arrShare = totalArr > 0 ? colors[c].arrCents / totalArr : null;
  return {
    colors,
    totalCount: active.length,
    totalArrCents: totalArr,
    turnedRedThisWeek: active.filter((s) => s.turnedRedThisWeek).map((s) => s.accountId),
  };
}

export function adoptionMatrix(accounts: readonly AccountSummary[]): AdoptionMatrix {
  const matrix = {} as AdoptionMatrix;
  for (const uc of USE_CASES) {
    matrix[uc] = Object.fromEntries(
      COLORS.map((c) => [c, { count: 0, arrCents: 0 }]),
    ) as AdoptionMatrix[typeof uc];
  }
  for (const s of live(accounts)) {
    for (const uc of USE_CASES) {
      const cell = matrix[uc][s.useCaseColors[uc]];
      cell.count += 1;
      cell.arrCents += s.arrNowCents;
    }
  }
  return matrix;
}

export function planFunnel(accounts: readonly AccountSummary[]): PlanFunnel {
  const statuses: Record<PlanStatusShown, number> = {
    none: 0,
    draft: 0,
    active_green: 0,
    active_yellow: 0,
    active_red: 0,
    completed: 0,
  };
  const outcomeStages = { proposed: 0, accepted: 0, delivered: 0, verified: 0 };
  for (const s of live(accounts)) {
    if (!s.plan.applicable) continue;
    statuses[s.plan.status] += 1;
    for (const stage of Object.keys(outcomeStages) as (keyof typeof outcomeStages)[]) {
      outcomeStages[stage] += s.plan.outcomeFunnel[stage];
    }
  }
  return { statuses, outcomeStages };
}

/** The people listed on a view's leaderboard: members of the view's role within the filters. */
function leaderboardMembers(
  view: TeamViewKind,
  members: readonly TeamMember[],
  filters: ScopeFilters,
): TeamMember[] {
  const people = scopePeople(filters, members);
  return members.filter(
    (m) =>
      m.role === view &&
      (people === null || people.has(m.id)) &&
      (filters.region === undefined || people !== null || m.region === filters.region),
  );
}

/** A CSE, CSM or CSA team view (KPIS.md §7) built from account summaries alone. */
export function buildTeamView(
  view: TeamViewKind,
  summaries: readonly AccountSummary[],
  members: readonly TeamMember[],
  filters: ScopeFilters,
  asOf: IsoDate,
  config: PulseConfig,
): TeamView {
  const accounts = filterSummaries(summaries, members, filters);
  const cohort = filterRetentionCohort(summaries, members, filters);
  const definitions = TEAM_VIEW_CARDS[view];
  const attributeFilters: ScopeFilters = {
    region: filters.region,
    segment: filters.segment,
    tier: filters.tier,
  };
  const attributeScoped = filterSummaries(summaries, members, attributeFilters);

  const leaderboard: Record<string, LeaderboardEntry> = {};
  for (const member of leaderboardMembers(view, members, filters)) {
    const book = bookOf(member.id, attributeScoped);
    const memberCohort = filterRetentionCohort(summaries, members, { ...attributeFilters, owner: member.id });
    leaderboard[member.id] = {
      member: { id: member.id, name: member.name, role: member.role },
      accountCount: book.length,
      // A leaderboard compares people now; trends are the team cards' (and cost a card per date).
      cards: buildCards(definitions, book, memberCohort, member, asOf, config, false),
    };
  }

  const ownerMember =
    filters.owner !== undefined ? (members.find((m) => m.id === filters.owner) ?? null) : null;
  return {
    view,
    filters,
    asOf,
    period: fiscalQuarter(asOf, config),
    accountCount: accounts.length,
    cards: buildCards(definitions, accounts, cohort, ownerMember, asOf, config, true),
    healthDistribution: healthDistribution(accounts),
    netArrWaterfall: netArrWaterfall(
      accounts.map((s) => s.arrMovements),
      asOf,
      config.waterfallQuarters,
      config,
    ),
    adoptionMatrix: adoptionMatrix(accounts),
    planFunnel: planFunnel(accounts),
    leaderboard,
  };
}
