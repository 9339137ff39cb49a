import type { Bands, DayLimits, PulseConfig } from '../config.js';
import { type Color, USE_CASES } from '../facts.js';
import { type ArrBuckets, arrAt, arrBuckets, growthNetArr, netArr } from '../revenue.js';
import type { AccountSummary, KpiUnit, TimeToValueResult } from '../views.js';
import { type CardContext, engagedIn, historyAt, withinPeriod } from './card-definition.js';

/** How a per-account value of a drill-down reads: a number in a card unit, a colour, or a date. */
export type DrillUnit = KpiUnit | 'color' | 'date';

/** One account's value of the column that decides a card, and whether it misses the card's target. */
export interface DrillDecision {
  value: number | string | null;
  misses: boolean;
}

/**
 * What a card means and how an account counts in it: the text of the KPI help and of the card's
 * tooltip, and the column its drill-down shows (accounts that miss the target first).
 */
export interface CardGuide {
  definition: string;
  formula: string;
  source: string;
  /** The colour rule in words when the card is coloured other than by its bands (e.g. day limits). */
  colorRule?: (config: PulseConfig) => string;
  /** The drill-down's deciding column. */
  column: { label: string; unit: DrillUnit; worstFirst: 'low' | 'high' };
  decide: (s: AccountSummary, ctx: CardContext) => DrillDecision;
}

const notGreen = (color: Color): DrillDecision => ({ value: color, misses: color !== 'green' });

/** An account's own share (renewed ATR, deliverables on time, …): none without a whole; below `target` misses. */
function shareDecision(part: number, whole: number, target = 1): DrillDecision {
  const share = whole > 0 ? part / whole : null;
  return { value: share, misses: share !== null && share < target };
}

/** The account's net ARR of the quarter to date, as `net` counts the movements; a loss misses. */
function quarterNetArrDecision(net: (buckets: ArrBuckets) => number) {
  return (s: AccountSummary, ctx: CardContext): DrillDecision => {
    const value = net(arrBuckets(s.arrMovements, ctx.period.start, ctx.at));
    return { value, misses: value < 0 };
  };
}

function dayLimitsRule(limits: DayLimits, late: string): string {
  return `Green when the team median is ≤ ${limits.greenMaxDays} days, yellow ≤ ${limits.yellowMaxDays} days, red above. An account counts as late when ${late}.`;
}

function timeToValueDecision(result: TimeToValueResult): DrillDecision {
  return { value: result.days, misses: result.color === 'red' || result.color === 'yellow' };
}

const primaryUseCase = (s: AccountSummary): DrillDecision => notGreen(s.primaryUseCaseColor);

function retentionDecision(s: AccountSummary, ctx: CardContext): DrillDecision {
  const start = arrAt(s.arrMovements, ctx.yearAgo);
  const change = arrAt(s.arrMovements, ctx.at) - start;
  return { value: change, misses: change < 0 };
}

function deliverablesDecision(s: AccountSummary, ctx: CardContext, kind?: 'accelerator'): DrillDecision {
  let due = 0;
  let onTime = 0;
  for (const e of Object.values(s.engagements)) {
    if (kind !== undefined && e.kind !== kind) continue;
    for (const d of e.deliverables) {
      if (d.status === 'cancelled' || !withinPeriod(d.dueDate, ctx)) continue;
      due += 1;
      if (d.deliveredOn !== null && d.deliveredOn <= d.dueDate && d.deliveredOn <= ctx.at) onTime += 1;
    }
  }
  return shareDecision(onTime, due);
}

const PLAN_SOURCE =
  'Success plans, their objectives and milestones (success_plans, sp_objectives, sp_milestones).';
const TIMELINE_SOURCE = 'Timeline entries logged by the account team (timeline_entries).';
const ARR_SOURCE = 'The ARR ledger: new, expansion, contraction and churn movements (arr_movements).';
const USAGE_SOURCE = 'Product usage snapshots (usage_snapshots) and the account’s plan tier.';
const ENGAGEMENT_SOURCE = 'CSE engagements and their deliverables (engagements, deliverables).';

/** Every team card's guide, by card key (a test checks each card of every view has one). */
export const CARD_GUIDES: Readonly<Record<string, CardGuide>> = {
  average_health: {
    definition: 'The mean health score of the live accounts in scope.',
    formula:
      'Σ health score / scored accounts. Churned accounts, accounts marked will churn and accounts without a score are left out.',
    source: 'Each account’s scorecard (the eleven measures below, weighted).',
    column: { label: 'Health score', unit: 'points', worstFirst: 'low' },
    decide: (s, ctx) => {
      const score = historyAt(s, ctx.at)?.score ?? s.healthScore;
      return { value: score, misses: score !== null && score < ctx.config.scoreBands.green };
    },
  },
  green_success_plans: {
    definition: 'The share of accounts with a success plan whose plan is green.',
    formula: 'accounts with a green plan / live accounts whose tier has success plans.',
    source: PLAN_SOURCE,
    column: { label: 'Plan colour', unit: 'color', worstFirst: 'low' },
    decide: (s) => notGreen(s.plan.color),
  },
  ebr_coverage: {
    definition:
      'The share of accounts (Essentials and above) that had an executive business review recently.',
    formula: 'accounts with an EBR in the coverage window / accounts whose tier has EBRs.',
    source: `EBR entries of the timeline (${TIMELINE_SOURCE})`,
    column: { label: 'Last EBR', unit: 'date', worstFirst: 'low' },
    decide: (s, ctx) => ({ value: s.lastEbrDate, misses: !(historyAt(s, ctx.at)?.ebrCovered ?? false) }),
  },
  ebrs_delivered: {
    definition: 'Executive business reviews held this fiscal quarter.',
    formula: 'count of EBR timeline entries dated in the quarter to date.',
    source: `EBR entries of the timeline (${TIMELINE_SOURCE})`,
    column: { label: 'EBRs this quarter', unit: 'count', worstFirst: 'low' },
    decide: (s, ctx) => ({ value: s.ebrDates.filter((d) => withinPeriod(d, ctx)).length, misses: false }),
  },
  cadence_coverage: {
    definition:
      'The share of accounts whose meeting cadence is green (met recently enough for their priority).',
    formula: 'accounts with a green meeting-cadence measure / accounts where the measure applies.',
    source: `Calls, meetings, workshops and EBRs on the timeline (${TIMELINE_SOURCE})`,
    column: { label: 'Days since last meeting', unit: 'days', worstFirst: 'high' },
    decide: (s, ctx) => ({
      value: s.daysSinceLastMeeting,
      misses: (historyAt(s, ctx.at)?.cadenceColor ?? s.cadenceColor) !== 'green',
    }),
  },
  time_to_engage: {
    definition: 'How long new customers wait for their first call or meeting.',
    formula: 'median over new accounts of (first call or meeting − onboarding start), in days.',
    source: `Onboarding dates of the account and the timeline (${TIMELINE_SOURCE})`,
    colorRule: (c) =>
      dayLimitsRule(c.timeToEngage, `it took (or has waited) more than ${c.timeToEngage.greenMaxDays} days`),
    column: { label: 'Days to first meeting', unit: 'days', worstFirst: 'high' },
    decide: (s) => timeToValueDecision(s.timeToEngage),
  },
  time_to_first_value: {
    definition: 'How long new customers take to use a first tenth of their seats.',
    formula:
      'median over new accounts of (first date license utilization reached the threshold, or a manual date − contract start), in days.',
    source: USAGE_SOURCE,
    colorRule: (c) =>
      dayLimitsRule(
        c.timeToFirstValue,
        `license utilization stayed under ${Math.round(c.timeToFirstValue.threshold * 100)} % for more than ${c.timeToFirstValue.greenMaxDays} days`,
      ),
    column: { label: 'Days to first value', unit: 'days', worstFirst: 'high' },
    decide: (s) => timeToValueDecision(s.timeToFirstValue),
  },
  time_to_onboard: {
    definition: 'How long onboarding takes from start to close.',
    formula: 'median over new accounts of (onboarding closed − onboarding start), in days.',
    source: 'Onboarding start and close dates of the account (accounts).',
    colorRule: (c) =>
      dayLimitsRule(
        c.timeToOnboard,
        `onboarding took (or is still open after) more than ${c.timeToOnboard.greenMaxDays} days`,
      ),
    column: { label: 'Days to onboard', unit: 'days', worstFirst: 'high' },
    decide: (s) => timeToValueDecision(s.timeToOnboard),
  },
  primary_use_case_adoption: {
    definition: 'The share of accounts whose primary use case (what they bought for) is adopted, i.e. green.',
    formula: 'accounts whose primary use case is green / live accounts with a primary use case.',
    source: USAGE_SOURCE,
    column: { label: 'Primary use case', unit: 'color', worstFirst: 'low' },
    decide: primaryUseCase,
  },
  use_case_expansion: {
    definition: 'The share of accounts that adopted a further use case this quarter.',
    formula: 'accounts with a use case green now that was not green at the quarter’s start / live accounts.',
    source: USAGE_SOURCE,
    column: { label: 'Use cases turned green', unit: 'count', worstFirst: 'low' },
    decide: (s) => {
      const turned = USE_CASES.filter(
        (uc) => s.useCaseColors[uc] === 'green' && s.useCaseColorsAtQuarterStart[uc] !== 'green',
      ).length;
      return { value: turned, misses: turned === 0 };
    },
  },
  platform_adoption: {
    definition: 'The share of ARR held by accounts that use the platform broadly (several use cases green).',
    formula: 'ARR of accounts with at least the configured number of green use cases / ARR of live accounts.',
    source: `${USAGE_SOURCE} ${ARR_SOURCE}`,
    column: { label: 'Green use cases', unit: 'count', worstFirst: 'low' },
    decide: (s, ctx) => {
      const h = historyAt(s, ctx.at);
      const green = h ? USE_CASES.filter((uc) => h.useCaseColors[uc] === 'green').length : s.greenUseCases;
      return { value: green, misses: (green ?? 0) < ctx.config.platformAdoptionUseCases };
    },
  },
  grr: {
    definition: 'How much of the ARR of a year ago is still there, expansion not counted.',
    formula:
      'Σ min(ARR now, ARR 12 months ago) / Σ ARR 12 months ago, over the accounts that had ARR then (their owners then).',
    source: ARR_SOURCE,
    column: { label: 'ARR change in 12 months', unit: 'cents', worstFirst: 'low' },
    decide: retentionDecision,
  },
  nrr: {
    definition: 'How the ARR of a year ago has grown or shrunk, expansion counted.',
    formula: 'Σ ARR now / Σ ARR 12 months ago, over the accounts that had ARR then (their owners then).',
    source: ARR_SOURCE,
    column: { label: 'ARR change in 12 months', unit: 'cents', worstFirst: 'low' },
    decide: retentionDecision,
  },
  net_arr: {
    definition: 'ARR gained minus ARR lost this fiscal quarter.',
    formula: 'Σ new + expansion − contraction − churn effective in the quarter to date.',
    source: ARR_SOURCE,
    column: { label: 'Net ARR this quarter', unit: 'cents', worstFirst: 'low' },
    decide: quarterNetArrDecision(netArr),
  },
  growth_net_arr: {
    definition: 'Net ARR from existing customers this fiscal quarter (new customers left out).',
    formula: 'Σ expansion − contraction − churn effective in the quarter to date.',
    source: ARR_SOURCE,
    column: { label: 'Growth net ARR this quarter', unit: 'cents', worstFirst: 'low' },
    decide: quarterNetArrDecision(growthNetArr),
  },
  renewal_rate: {
    definition: 'How much of the ARR up for renewal was renewed, over renewals closed in the last 12 months.',
    formula: 'Σ min(won, available to renew) / Σ available to renew.',
    source: 'Renewal opportunities and their outcome (renewals).',
    column: { label: 'Renewed share', unit: 'ratio', worstFirst: 'low' },
    decide: (s, ctx) => {
      const from = ctx.yearAgo;
      let atr = 0;
      let won = 0;
      for (const r of Object.values(s.renewals)) {
        if (r.status === 'open' || r.closedOn === null || r.closedOn <= from || r.closedOn > ctx.at) continue;
        atr += r.atrCents;
        won += Math.min(r.wonCents ?? 0, r.atrCents);
      }
      return shareDecision(won, atr);
    },
  },
  stale_sentiment: {
    definition: 'Accounts whose owner has not logged a sentiment for a long time.',
    formula: 'count of live accounts whose latest owner sentiment is older than the stale limit.',
    source: `Sentiment on the owner’s timeline entries (${TIMELINE_SOURCE})`,
    column: { label: 'Sentiment logged', unit: 'date', worstFirst: 'low' },
    decide: (s, ctx) => ({
      value: s.sentimentDate === null ? null : s.sentimentDate.slice(0, 10),
      misses: historyAt(s, ctx.at)?.sentimentStale ?? s.sentimentStale,
    }),
  },
  book_arr: {
    definition: 'The current ARR of the book: every live account the person (or team) owns.',
    formula: 'Σ ARR now of the live accounts in scope.',
    source: ARR_SOURCE,
    colorRule: (c) =>
      `Coloured for one person only: green at their target (default $${(c.bookArrTargetCents.csm ?? 0) / 100_000_000}M for a CSM), yellow from ${Math.round(c.bookArrYellowShare * 100)} % of it, red below; grey for a team.`,
    column: { label: 'ARR', unit: 'cents', worstFirst: 'low' },
    decide: (s, ctx) => ({ value: arrAt(s.arrMovements, ctx.at), misses: false }),
  },
  cse_green_plans_with_milestones: {
    definition:
      'The share of engaged accounts whose success plan is green with a dated objective and an owned, dated technical milestone.',
    formula: 'such accounts / live accounts with a CSE engagement active or completed this quarter.',
    source: `${PLAN_SOURCE} ${ENGAGEMENT_SOURCE}`,
    column: { label: 'Plan colour', unit: 'color', worstFirst: 'low' },
    decide: (s) => ({ value: s.plan.color, misses: !s.plan.greenWithTechnicalMilestones }),
  },
  deliverables_on_time: {
    definition: 'The share of deliverables due this quarter that were delivered by their due date.',
    formula:
      'deliverables delivered on or before their due date / deliverables due to date (overdue open ones are misses; cancelled left out).',
    source: ENGAGEMENT_SOURCE,
    column: { label: 'On time', unit: 'ratio', worstFirst: 'low' },
    decide: (s, ctx) => deliverablesDecision(s, ctx),
  },
  csat: {
    definition: 'How satisfied customers were after a CSE engagement.',
    formula:
      'responses scoring 4–5 of 5 / responses this quarter; grey below the minimum number of responses.',
    source: 'Post-engagement surveys (surveys).',
    column: { label: 'Satisfied responses', unit: 'ratio', worstFirst: 'low' },
    decide: (s, ctx) => {
      let answered = 0;
      let satisfied = 0;
      for (const survey of Object.values(s.surveys)) {
        if (survey.kind !== 'csat' || survey.engagementId === null || survey.score === null) continue;
        if (!withinPeriod(survey.respondedOn, ctx)) continue;
        answered += 1;
        if (survey.score >= 4) satisfied += 1;
      }
      return shareDecision(satisfied, answered, ctx.config.cseKpi.csat.green);
    },
  },
  docs_per_engagement: {
    definition: 'The share of engagements completed this quarter that left updated documentation.',
    formula: 'completed engagements with at least one doc update / engagements completed this quarter.',
    source: ENGAGEMENT_SOURCE,
    column: { label: 'Documented', unit: 'ratio', worstFirst: 'low' },
    decide: (s, ctx) => {
      let completed = 0;
      let documented = 0;
      for (const e of Object.values(s.engagements)) {
        if (e.status !== 'completed' || !withinPeriod(e.completedOn, ctx)) continue;
        completed += 1;
        if (e.docUpdateDates.some((d) => d <= ctx.at)) documented += 1;
      }
      return shareDecision(documented, completed);
    },
  },
  engaged_primary_use_case_adoption: {
    definition: 'Primary use-case adoption among the accounts a CSE engaged this quarter.',
    formula:
      'engaged accounts whose primary use case is green / engaged live accounts with a primary use case.',
    source: `${USAGE_SOURCE} ${ENGAGEMENT_SOURCE}`,
    column: { label: 'Primary use case', unit: 'color', worstFirst: 'low' },
    decide: primaryUseCase,
  },
  arr_engaged: {
    definition: 'The share of ARR in scope whose account has a CSE engagement this quarter.',
    formula: 'ARR of engaged live accounts / ARR of live accounts.',
    source: `${ENGAGEMENT_SOURCE} ${ARR_SOURCE}`,
    column: { label: 'ARR', unit: 'cents', worstFirst: 'high' },
    decide: (s, ctx) => ({ value: arrAt(s.arrMovements, ctx.at), misses: !engagedIn(s, ctx) }),
  },
  program_reach: {
    definition: 'The share of accounts whose people attended a webinar or hands-on lab this quarter.',
    formula: 'accounts with an attendance this quarter / live accounts.',
    source: 'Program sessions and attendance (program_attendance).',
    column: { label: 'Attendees this quarter', unit: 'count', worstFirst: 'low' },
    decide: (s, ctx) => ({
      value: s.programAttendance
        .filter((p) => withinPeriod(p.heldOn, ctx))
        .reduce((sum, p) => sum + p.attendees, 0),
      misses: false,
    }),
  },
  accelerators_delivered: {
    definition: 'Accelerators (short expert engagements) delivered against what the tier entitles to a year.',
    formula: 'Σ min(delivered in 365 days, entitlement) / Σ yearly entitlement, over entitled live accounts.',
    source: ENGAGEMENT_SOURCE,
    column: { label: 'Delivered in 365 days', unit: 'count', worstFirst: 'low' },
    decide: (s) => ({
      value: s.acceleratorsLast365Days,
      misses: s.acceleratorOverdue || s.acceleratorsLast365Days < s.acceleratorEntitlementPerYear,
    }),
  },
  accelerator_deliverables_on_time: {
    definition:
      'The share of accelerator deliverables due this quarter that were delivered by their due date.',
    formula: 'accelerator deliverables delivered on or before their due date / those due to date.',
    source: ENGAGEMENT_SOURCE,
    column: { label: 'On time', unit: 'ratio', worstFirst: 'low' },
    decide: (s, ctx) => deliverablesDecision(s, ctx, 'accelerator'),
  },
};

/** The colour rule of a card with bands, in words ("Green ≥ 90 %, yellow ≥ 75 %, red below."). */
export function bandsRule(bands: Bands, unit: KpiUnit): string {
  return `Green at ${formatThreshold(bands.green, unit)} or more, yellow from ${formatThreshold(bands.yellow, unit)}, red below.`;
}

/** A threshold as the cards show it: ratios in percent, money in dollars, days and points as they are. */
export function formatThreshold(value: number, unit: KpiUnit): string {
  switch (unit) {
    case 'ratio':
      return `${Math.round(value * 1000) / 10} %`;
    case 'cents':
      return `$${(value / 100).toLocaleString('en-US')}`;
    case 'days':
      return `${value} days`;
    default:
      return String(value);
  }
}
