import type { PulseConfig } from './config.js';
import { addMonths, daysBetween, previousMonthEnd } from './dates.js';
import type { AccountFacts, Cents, Color, IsoDate, Segment, SuccessTier } from './facts.js';
import { shiftQuarter } from './fiscal.js';
import { arrAt } from './revenue.js';
import { computeScorecard } from './scorecard.js';
import { MEASURE_KEYS, type MeasureKey } from './views.js';

/**
 * Calibration (issue 14 point 4): did the colours deserve trust? Each account scored at the start
 * of a past quarter, against what its ARR did in the following 12 months.
 */

export const CALIBRATION_OUTCOMES = ['renewed', 'contracted', 'churned', 'pending'] as const;
/**
 * renewed: ARR 12 months on at least what it was; contracted: above zero but less; churned: ARR fell
 * to zero within the 12 months; pending: the 12 months have not passed and it has not churned yet.
 */
export type CalibrationOutcome = (typeof CALIBRATION_OUTCOMES)[number];

/** How many months after the quarter start the outcome is read. */
export const OUTCOME_MONTHS = 12;

/** One account at one quarter start: its colour then and what followed. */
export interface CalibrationSample {
  accountId: string;
  quarter: string;
  quarterStart: IsoDate;
  segment: Segment;
  successTier: SuccessTier;
  color: Color;
  measureColors: Record<MeasureKey, Color>;
  arrCents: Cents;
  outcome: CalibrationOutcome;
  /** The day ARR reached zero, for churned accounts. */
  churnedOn: IsoDate | null;
  /** Days from the first red month-end of the red run before the churn to the churn. */
  warningDays: number | null;
}

/** What the ARR ledger says happened in the 12 months after `start`, as known at `today`. */
export function calibrationOutcome(
  facts: Pick<AccountFacts, 'arrMovements'>,
  start: IsoDate,
  today: IsoDate,
): { outcome: CalibrationOutcome; churnedOn: IsoDate | null } {
  const before = arrAt(facts.arrMovements, start);
  const end = addMonths(start, OUTCOME_MONTHS);
  const dates = [...new Set(facts.arrMovements.map((m) => m.effectiveDate))]
    .filter((d) => d > start && d <= end && d <= today)
    .sort();
  for (const d of dates) {
    if (arrAt(facts.arrMovements, d) <= 0) return { outcome: 'churned', churnedOn: d };
  }
  if (end > today) return { outcome: 'pending', churnedOn: null };
  return { outcome: arrAt(facts.arrMovements, end) >= before ? 'renewed' : 'contracted', churnedOn: null };
}

/** The account's facts as they stood at the end of `date` (undefined: it did not exist then). */
export type FactsAt = (date: IsoDate) => AccountFacts | undefined;

/**
 * The sample of an account at a quarter start: scored over `factsThen` (the facts as they stood at
 * the start), its outcome from `factsNow` (the ARR ledger as known today), its warning from the
 * month-ends before a churn scored over the facts as they stood at each (`factsAt`), not as known
 * later. Null when the account was not a paying customer at the start.
 */
export function calibrationSample(
  factsThen: AccountFacts,
  factsNow: AccountFacts,
  quarter: { label: string; start: IsoDate },
  today: IsoDate,
  config: PulseConfig,
  factsAt: FactsAt,
): CalibrationSample | null {
  const arrCents = arrAt(factsThen.arrMovements, quarter.start);
  if (arrCents <= 0) return null;
  const card = computeScorecard(factsThen, quarter.start, config);
  const measureColors = {} as Record<MeasureKey, Color>;
  for (const key of MEASURE_KEYS) measureColors[key] = card.measures[key].color;
  const { outcome, churnedOn } = calibrationOutcome(factsNow, quarter.start, today);
  return {
    accountId: factsThen.account.id,
    quarter: quarter.label,
    quarterStart: quarter.start,
    segment: factsThen.account.segment,
    successTier: factsThen.account.successTier,
    color: card.color,
    measureColors,
    arrCents,
    outcome,
    churnedOn,
    warningDays: churnedOn === null ? null : warningDays(factsAt, churnedOn, config),
  };
}

/**
 * Days of warning: from the first red month-end of the unbroken run of red month-ends that led to
 * the churn (within the year before it) to the churn; null when no month-end of the run was red.
 * A month-end the account was already marked will-churn (grey) neither ends nor starts the run:
 * the loss was known by then, and the question is how early the colour said so.
 */
function warningDays(factsAt: FactsAt, churnedOn: IsoDate, config: PulseConfig): number | null {
  let firstRed: IsoDate | null = null;
  for (const date of warningMonthEnds(churnedOn)) {
    const facts = factsAt(date);
    if (!facts || arrAt(facts.arrMovements, date) <= 0) break;
    const card = computeScorecard(facts, date, config);
    if (card.colorCause === 'will_churn') continue;
    if (card.color !== 'red') break;
    firstRed = date;
  }
  return firstRed === null ? null : daysBetween(firstRed, churnedOn);
}

/** The month-ends the days of warning of a churn may look at, latest first. */
export function warningMonthEnds(churnedOn: IsoDate): IsoDate[] {
  return Array.from({ length: OUTCOME_MONTHS }, (_, months) =>
    previousMonthEnd(addMonths(churnedOn, -months)),
  );
}

/** The quarter starts of the last `count` fiscal quarters before the one holding `today`, oldest first. */
export function calibrationQuarters(
  today: IsoDate,
  count: number,
  config: PulseConfig,
): { label: string; start: IsoDate }[] {
  const quarters: { label: string; start: IsoDate }[] = [];
  for (let offset = -count; offset <= -1; offset++) {
    const q = shiftQuarter(today, offset, config);
    quarters.push({ label: q.label, start: q.start });
  }
  return quarters;
}

export interface OutcomeCount {
  accounts: number;
  arrCents: Cents;
}

export interface CalibrationCell extends OutcomeCount {
  quarter: string;
  segment: Segment;
  successTier: SuccessTier;
  color: Color;
  outcome: CalibrationOutcome;
}

export interface MeasurePrediction {
  key: MeasureKey;
  /** Share of churned samples whose measure was red at the quarter start. */
  redAmongChurned: number | null;
  /** The same share among the samples that renewed or contracted. */
  redAmongKept: number | null;
  /** redAmongChurned / redAmongKept: how much more often the measure was red before a churn. */
  lift: number | null;
}

export interface CalibrationReport {
  quarters: string[];
  /** Counts and ARR per quarter, segment, tier, colour then and outcome. */
  cells: CalibrationCell[];
  /** Over every quarter: per colour then, per outcome. */
  byColor: Record<Color, Record<CalibrationOutcome, OutcomeCount>>;
  /** Of the accounts red at a quarter start with a known outcome, the share that churned. */
  redChurnRate: number | null;
  /** Of the ARR that churned, the share that was red or yellow at the quarter start. */
  churnedArrFlaggedShare: number | null;
  /** Median days the first red of the run before a churn came before it (churns red at the last month-end). */
  medianWarningDays: number | null;
  /** Churns red at the month-end before them / all churns. */
  churnsWarned: { warned: number; churned: number };
  /** Measures by how much better they predicted churn (highest lift first). */
  measures: MeasurePrediction[];
}

const emptyCounts = (): Record<CalibrationOutcome, OutcomeCount> => ({
  renewed: { accounts: 0, arrCents: 0 },
  contracted: { accounts: 0, arrCents: 0 },
  churned: { accounts: 0, arrCents: 0 },
  pending: { accounts: 0, arrCents: 0 },
});

/** The calibration report over the samples of every quarter. */
export function calibrationReport(samples: readonly CalibrationSample[]): CalibrationReport {
  const quarters = [...new Set(samples.map((s) => s.quarter))].sort();
  const cells = new Map<string, CalibrationCell>();
  const byColor: Record<Color, Record<CalibrationOutcome, OutcomeCount>> = {
    green: emptyCounts(),
    yellow: emptyCounts(),
    red: emptyCounts(),
    grey: emptyCounts(),
  };
  for (const s of samples) {
    const key = [s.quarter, s.segment, s.successTier, s.color, s.outcome].join('|');
    const cell = cells.get(key) ?? {
      quarter: s.quarter,
      segment: s.segment,
      successTier: s.successTier,
      color: s.color,
      outcome: s.outcome,
      accounts: 0,
      arrCents: 0,
    };
    cell.accounts += 1;
    cell.arrCents += s.arrCents;
    cells.set(key, cell);
    byColor[s.color][s.outcome].accounts += 1;
    byColor[s.color][s.outcome].arrCents += s.arrCents;
  }

  const red = byColor.red;
  const redDecided = red.renewed.accounts + red.contracted.accounts + red.churned.accounts;
  const churned = samples.filter((s) => s.outcome === 'churned');
  const kept = samples.filter((s) => s.outcome === 'renewed' || s.outcome === 'contracted');
  const churnedArr = churned.reduce((sum, s) => sum + s.arrCents, 0);
  const flaggedArr = churned
    .filter((s) => s.color === 'red' || s.color === 'yellow')
    .reduce((sum, s) => sum + s.arrCents, 0);
  const warnings = churned.map((s) => s.warningDays).filter((d): d is number => d !== null);

  const share = (of: readonly CalibrationSample[], key: MeasureKey) =>
    of.length > 0 ? of.filter((s) => s.measureColors[key] === 'red').length / of.length : null;
  const measures = MEASURE_KEYS.map((key): MeasurePrediction => {
    const redAmongChurned = share(churned, key);
    const redAmongKept = share(kept, key);
    const lift =
      redAmongChurned === null || redAmongKept === null || redAmongKept === 0
        ? null
        : redAmongChurned / redAmongKept;
    return { key, redAmongChurned, redAmongKept, lift };
  }).sort((a, b) => (b.lift ?? -1) - (a.lift ?? -1) || (b.redAmongChurned ?? -1) - (a.redAmongChurned ?? -1));

  return {
    quarters,
    cells: [...cells.values()],
    byColor,
    redChurnRate: redDecided > 0 ? red.churned.accounts / redDecided : null,
    churnedArrFlaggedShare: churnedArr > 0 ? flaggedArr / churnedArr : null,
    medianWarningDays: median(warnings),
    churnsWarned: { warned: warnings.length, churned: churned.length },
    measures,
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
