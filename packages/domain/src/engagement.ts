import type { PulseConfig } from './config.js';
import { daysBetween, toDate } from './dates.js';
import type { Account, IsoDate, TimelineEntry } from './facts.js';
import { tierApplicability } from './tiers.js';

/** Dates of EBRs held on or before asOf, oldest first. */
export function ebrDates(timeline: readonly TimelineEntry[], asOf: IsoDate): IsoDate[] {
  return timeline
    .filter((e) => e.kind === 'ebr' && toDate(e.occurredAt) <= asOf)
    .map((e) => toDate(e.occurredAt))
    .sort();
}

/** EBRs apply to essentials and above. */
export function ebrApplies(account: Account): boolean {
  return tierApplicability(account.successTier).ownerLedMeasures;
}

/** An EBR held within the coverage window (365 days) counts for EBR coverage. */
export function ebrCovered(lastEbr: IsoDate | null, asOf: IsoDate, config: PulseConfig): boolean {
  return lastEbr !== null && daysBetween(lastEbr, asOf) <= config.ebr.coverageWindowDays;
}

/**
 * Overdue after 365 days (essentials) or 182 days (advanced, signature) since the last EBR, or
 * since the contract start when there has been none.
 */
export function ebrOverdue(
  account: Account,
  lastEbr: IsoDate | null,
  asOf: IsoDate,
  config: PulseConfig,
): boolean {
  const limit = config.ebr.overdueDays[account.successTier];
  if (limit === undefined) return false;
  return daysBetween(lastEbr ?? account.contractStart, asOf) > limit;
}
