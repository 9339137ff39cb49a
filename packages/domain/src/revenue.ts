import { bandColor } from './colors.js';
import type { Bands, PulseConfig } from './config.js';
import { addDays } from './dates.js';
import type { ArrMovementKind, Cents, Color, IsoDate, Renewal, RiskCategory, TeamMember } from './facts.js';
import { shiftQuarter } from './fiscal.js';
import type { CompactArrMovement, NetArrWaterfall, WaterfallQuarter } from './views.js';

const SIGN: Record<ArrMovementKind, 1 | -1> = { new: 1, expansion: 1, contraction: -1, churn: -1 };

/** ARR at the end of day `date`: Σ new + expansion − contraction − churn effective on or before it. */
export function arrAt(movements: readonly CompactArrMovement[], date: IsoDate): Cents {
  let arr = 0;
  for (const m of movements) if (m.effectiveDate <= date) arr += SIGN[m.kind] * m.amountCents;
  return arr;
}

export interface ArrBuckets {
  newCents: Cents;
  expansionCents: Cents;
  contractionCents: Cents;
  churnCents: Cents;
}

/** Movement totals effective in [start, end]. */
export function arrBuckets(
  movements: readonly CompactArrMovement[],
  start: IsoDate,
  end: IsoDate,
): ArrBuckets {
  const b: ArrBuckets = { newCents: 0, expansionCents: 0, contractionCents: 0, churnCents: 0 };
  for (const m of movements) {
    if (m.effectiveDate < start || m.effectiveDate > end) continue;
    if (m.kind === 'new') b.newCents += m.amountCents;
    else if (m.kind === 'expansion') b.expansionCents += m.amountCents;
    else if (m.kind === 'contraction') b.contractionCents += m.amountCents;
    else b.churnCents += m.amountCents;
  }
  return b;
}

/** Net ARR = new + expansion − contraction − churn. */
export function netArr(b: ArrBuckets): Cents {
  return b.newCents + b.expansionCents - b.contractionCents - b.churnCents;
}

/**
 * One account's growth net ARR over a period's buckets = expansion − contraction − churn of an
 * existing customer: when the account landed in the period (a `new` movement in it), every movement
 * of that period is the new customer's and none counts (KPIS.md §4).
 */
export function growthNetArr(b: ArrBuckets): Cents {
  if (b.newCents > 0) return 0;
  return b.expansionCents - b.contractionCents - b.churnCents;
}

export function addBuckets(a: ArrBuckets, b: ArrBuckets): ArrBuckets {
  return {
    newCents: a.newCents + b.newCents,
    expansionCents: a.expansionCents + b.expansionCents,
    contractionCents: a.contractionCents + b.contractionCents,
    churnCents: a.churnCents + b.churnCents,
  };
}

/** One quarter of the net ARR waterfall: from its start to its end, or to asOf while it runs. */
export interface WaterfallSpan {
  quarter: string;
  start: IsoDate;
  end: IsoDate;
}

/** The `count` fiscal quarters ending with the one holding asOf (the last one to date). */
export function waterfallSpans(asOf: IsoDate, count: number, config: PulseConfig): WaterfallSpan[] {
  const spans: WaterfallSpan[] = [];
  for (let offset = -(count - 1); offset <= 0; offset++) {
    const q = shiftQuarter(asOf, offset, config);
    spans.push({ quarter: q.label, start: q.start, end: q.end < asOf ? q.end : asOf });
  }
  return spans;
}

/** Sums one account adds to each waterfall quarter, in this order. */
const WATERFALL_SUMS = [
  'newCents',
  'expansionCents',
  'contractionCents',
  'churnCents',
  'growthNetCents',
  'start',
  'end',
] as const;
export const WATERFALL_SUMS_PER_QUARTER = WATERFALL_SUMS.length;

/** One account's part of the waterfall: its movement buckets and ARR at each quarter's edges. */
export function waterfallPart(
  movements: readonly CompactArrMovement[],
  spans: readonly WaterfallSpan[],
): number[] {
  const part: number[] = [];
  for (const span of spans) {
    const b = arrBuckets(movements, span.start, span.end);
    part.push(
      b.newCents,
      b.expansionCents,
      b.contractionCents,
      b.churnCents,
      growthNetArr(b),
      arrAt(movements, addDays(span.start, -1)),
      arrAt(movements, span.end),
    );
  }
  return part;
}

/** The waterfall from the sums of its accounts' parts. */
export function waterfallOf(spans: readonly WaterfallSpan[], sums: readonly number[]): NetArrWaterfall {
  const quarters: Record<string, WaterfallQuarter> = {};
  spans.forEach((span, i) => {
    const at = i * WATERFALL_SUMS_PER_QUARTER;
    const b: ArrBuckets = {
      newCents: sums[at]!,
      expansionCents: sums[at + 1]!,
      contractionCents: sums[at + 2]!,
      churnCents: sums[at + 3]!,
    };
    quarters[span.quarter] = {
      quarter: span.quarter,
      start: span.start,
      end: span.end,
      startArrCents: sums[at + 5]!,
      ...b,
      netCents: netArr(b),
      // Summed per account: an account that landed in the quarter brings none of its movements.
      growthNetCents: sums[at + 4]!,
      endArrCents: sums[at + 6]!,
    };
  });
  return { quarters, order: spans.map((span) => span.quarter) };
}

/** Net ARR waterfall over the `count` fiscal quarters ending with the one holding asOf (to date). */
export function netArrWaterfall(
  movementsPerAccount: readonly (readonly CompactArrMovement[])[],
  asOf: IsoDate,
  count: number,
  config: PulseConfig,
): NetArrWaterfall {
  const spans = waterfallSpans(asOf, count, config);
  const sums = new Array<number>(spans.length * WATERFALL_SUMS_PER_QUARTER).fill(0);
  for (const movements of movementsPerAccount) {
    waterfallPart(movements, spans).forEach((n, i) => {
      sums[i]! += n;
    });
  }
  return waterfallOf(spans, sums);
}

export interface RetentionCohortMember {
  arrStartCents: Cents;
  arrEndCents: Cents;
}

export interface Retention {
  startCents: Cents;
  endCents: Cents;
  retainedCents: Cents;
  grr: number | null;
  nrr: number | null;
}

/**
 * GRR = Σ min(arr(t), arr(t0)) / Σ arr(t0), NRR = Σ arr(t) / Σ arr(t0), over the cohort of accounts
 * with ARR > 0 at t0 (members with no ARR at t0 are ignored, so later new business never counts).
 */
export function retention(cohort: readonly RetentionCohortMember[]): Retention {
  let start = 0;
  let end = 0;
  let retained = 0;
  for (const m of cohort) {
    if (m.arrStartCents <= 0) continue;
    start += m.arrStartCents;
    end += m.arrEndCents;
    retained += Math.min(m.arrEndCents, m.arrStartCents);
  }
  return retentionOf(start, end, retained);
}

/** GRR and NRR from the cohort's sums of ARR at t0, at t, and retained (min of both). */
export function retentionOf(startCents: Cents, endCents: Cents, retainedCents: Cents): Retention {
  return {
    startCents,
    endCents,
    retainedCents,
    grr: startCents > 0 ? retainedCents / startCents : null,
    nrr: startCents > 0 ? endCents / startCents : null,
  };
}

const RED_CATEGORIES: ReadonlySet<RiskCategory> = new Set(['will_churn', 'will_contract']);
const SAVABLE_CATEGORIES: ReadonlySet<RiskCategory> = new Set([
  'will_churn_actionable',
  'will_contract_actionable',
]);

/** Red when forecast < ATR or the category is will_churn / will_contract; yellow when savable; else green. */
export function renewalForecastColor(
  renewal: Pick<Renewal, 'atrCents' | 'forecastCents' | 'riskCategory'>,
): Color {
  if (renewal.forecastCents < renewal.atrCents || RED_CATEGORIES.has(renewal.riskCategory)) return 'red';
  if (SAVABLE_CATEGORIES.has(renewal.riskCategory)) return 'yellow';
  return 'green';
}

/** The open renewal that comes next (earliest renewal date), if any. */
export function nextOpenRenewal<T extends Pick<Renewal, 'status' | 'renewalDate' | 'id'>>(
  renewals: readonly T[],
): T | null {
  let next: T | null = null;
  for (const r of renewals) {
    if (r.status !== 'open') continue;
    if (
      next === null ||
      r.renewalDate < next.renewalDate ||
      (r.renewalDate === next.renewalDate && r.id < next.id)
    ) {
      next = r;
    }
  }
  return next;
}

export interface RenewalRate {
  rate: number | null;
  atrCents: Cents;
  wonCents: Cents;
}

/** Renewal rate of closed renewals = Σ min(won, ATR) / Σ ATR (lost renewals won nothing). */
export function renewalRate(
  closed: readonly Pick<Renewal, 'atrCents' | 'wonCents' | 'status'>[],
): RenewalRate {
  let atr = 0;
  let won = 0;
  for (const r of closed) {
    if (r.status === 'open') continue;
    atr += r.atrCents;
    won += Math.min(r.status === 'won' ? (r.wonCents ?? 0) : 0, r.atrCents);
  }
  return renewalRateOf(atr, won);
}

/** The renewal rate from the sums of ATR and of what was won (capped at each ATR). */
export function renewalRateOf(atrCents: Cents, wonCents: Cents): RenewalRate {
  return { rate: atrCents > 0 ? wonCents / atrCents : null, atrCents, wonCents };
}

/** Book ARR target of a member: their own, else the role's default; null when none applies. */
export function bookArrTarget(
  member: Pick<TeamMember, 'role' | 'bookArrTargetCents'>,
  config: PulseConfig,
): Cents | null {
  return member.bookArrTargetCents ?? config.bookArrTargetCents[member.role] ?? null;
}

/** Book ARR colour: green ≥ target, yellow ≥ 80 % of it, red below; grey without a target. */
export function bookArrColor(arrCents: Cents, targetCents: Cents | null, config: PulseConfig): Color {
  if (targetCents === null || targetCents <= 0) return 'grey';
  const bands: Bands = { green: targetCents, yellow: targetCents * config.bookArrYellowShare };
  return bandColor(arrCents, bands);
}
