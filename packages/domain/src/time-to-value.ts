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

/** What one account's clock adds to the team value: decided (not grey), green, and its days once reached. */
export function timeToValueContribution(r: TimeToValueResult): {
  decided: boolean;
  green: boolean;
  reachedDays: number | null;
} {
  return {
    decided: r.color !== 'grey',
    green: r.color === 'green',
    reachedDays: r.reached && r.days !== null ? r.days : null,
  };
}

/**
 * Team value: median days of reached clocks and share of decided clocks within target (green), from
 * the accounts' contributions added up (the reached days in ascending order).
 */
export function timeToValueTeam(
  decided: number,
  green: number,
  reachedDaysAscending: readonly number[],
): { medianDays: number | null; withinTarget: number | null; decided: number } {
  return {
    medianDays: medianOfAscending(reachedDaysAscending),
    withinTarget: decided > 0 ? green / decided : null,
    decided,
  };
}

function medianOfAscending(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
