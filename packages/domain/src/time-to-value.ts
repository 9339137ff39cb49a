import { maxDaysColor } from './colors.js';
import type { DayLimits, PulseConfig } from './config.js';
import { daysBetween, toDate } from './dates.js';
import type { AccountFacts, IsoDate } from './facts.js';
import type { TimeToValueResult } from './views.js';

/**
 * A time-to-value clock (KPIS.md §5): started at `start`, stopped at `end`. Reached: coloured by
 * the days taken. Not reached: red once the green limit has passed, grey (pending) before.
 */
export function timeToValue(
  start: IsoDate | null,
  end: IsoDate | null,
  asOf: IsoDate,
  limits: DayLimits,
): TimeToValueResult {
  if (start === null || start > asOf) return { days: null, reached: false, color: 'grey' };
  if (end !== null && end <= asOf) {
    const days = Math.max(0, daysBetween(start, end));
    return { days, reached: true, color: maxDaysColor(days, limits) };
  }
  const elapsed = daysBetween(start, asOf);
  return { days: elapsed, reached: false, color: elapsed > limits.greenMaxDays ? 'red' : 'grey' };
}

/** Time to engage: first call or meeting on or after the onboarding start. */
export function timeToEngage(facts: AccountFacts, asOf: IsoDate, config: PulseConfig): TimeToValueResult {
  const start = facts.account.onboardingStart;
  let first: IsoDate | null = null;
  if (start !== null) {
    for (const e of facts.timeline) {
      if (e.kind !== 'call' && e.kind !== 'meeting') continue;
      const d = toDate(e.occurredAt);
      if (d < start || d > asOf) continue;
      if (first === null || d < first) first = d;
    }
  }
  return timeToValue(start, first, asOf, config.timeToEngage);
}

/** First date license utilization reached the threshold (usage snapshots), or the manual date. */
export function firstValueDate(facts: AccountFacts, asOf: IsoDate, config: PulseConfig): IsoDate | null {
  if (facts.account.firstValueDate !== null) return facts.account.firstValueDate;
  const seats = facts.account.licensedSeats;
  if (seats <= 0) return null;
  let first: IsoDate | null = null;
  for (const s of facts.usageSnapshots) {
    if (s.measuredOn > asOf || s.billableUsers / seats < config.timeToFirstValue.threshold) continue;
    if (first === null || s.measuredOn < first) first = s.measuredOn;
  }
  return first;
}

export function timeToFirstValue(facts: AccountFacts, asOf: IsoDate, config: PulseConfig): TimeToValueResult {
  return timeToValue(
    facts.account.contractStart,
    firstValueDate(facts, asOf, config),
    asOf,
    config.timeToFirstValue,
  );
}

export function timeToOnboard(facts: AccountFacts, asOf: IsoDate, config: PulseConfig): TimeToValueResult {
  return timeToValue(
    facts.account.onboardingStart,
    facts.account.onboardingClosed,
    asOf,
    config.timeToOnboard,
  );
}

/** Team value: median days of reached clocks and share of decided clocks within target (green). */
export function timeToValueTeam(results: readonly TimeToValueResult[]): {
  medianDays: number | null;
  withinTarget: number | null;
  decided: number;
} {
  const reached = results.filter((r) => r.reached && r.days !== null).map((r) => r.days as number);
  const decided = results.filter((r) => r.color !== 'grey');
  const green = decided.filter((r) => r.color === 'green').length;
  return {
    medianDays: median(reached),
    withinTarget: decided.length > 0 ? green / decided.length : null,
    decided: decided.length,
  };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
