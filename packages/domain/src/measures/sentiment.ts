import type { PulseConfig } from '../config.js';
import { daysBetween, onOrBefore } from '../dates.js';
import type { Account, IsoDate, IsoInstant, OwnerAssignment, OwnerRole, TimelineEntry } from '../facts.js';
import { colorResult, greyResult, type MeasureResult } from './result.js';

/** Roles whose sentiment counts: the CSE on CSE-assigned accounts, else the CSM and the CSA. */
function sentimentRoles(account: Pick<Account, 'successTier'>): OwnerRole[] {
  return account.successTier === 'cse_assigned' ? ['cse'] : ['csm', 'csa'];
}

/** People whose sentiment counts now: CSE for CSE-assigned accounts, else the CSM or CSA. */
export function sentimentOwners(account: Account): string[] {
  const ids = sentimentRoles(account).map((role) => account[`${role}Id` as const]);
  return ids.filter((id): id is string => id !== null);
}

/**
 * Whether an entry's author held a sentiment role when they logged it: the current owners always
 * count; an earlier CSM or CSA (or CSE) counts for what they logged while they held the role, so a
 * change of owner does not turn the measure grey (KPIS.md §1.1, ownership history).
 */
function loggedByOwner(
  account: Account,
  ownerHistory: readonly OwnerAssignment[],
): (authorId: string, at: IsoInstant) => boolean {
  const current = new Set(sentimentOwners(account));
  const roles = new Set(sentimentRoles(account));
  const spells = ownerHistory
    .filter((a) => roles.has(a.role))
    .sort((a, b) => a.validFrom.localeCompare(b.validFrom) || a.id - b.id);
  return (authorId, at) => {
    if (current.has(authorId)) return true;
    for (const role of roles) {
      let holder: string | null = null;
      for (const a of spells) {
        if (a.role !== role) continue;
        if (a.validFrom > at) break;
        holder = a.memberId;
      }
      if (holder === authorId) return true;
    }
    return false;
  };
}

/** Latest sentiment logged by an owner (then or now); stale after 90 days (colour kept), grey after 120. */
export function ownerSentiment(
  account: Account,
  timeline: TimelineEntry[],
  asOf: IsoDate,
  config: PulseConfig,
  ownerHistory: readonly OwnerAssignment[] = [],
): MeasureResult {
  const byOwner = loggedByOwner(account, ownerHistory);
  let latest: TimelineEntry | null = null;
  for (const entry of timeline) {
    if (entry.sentiment === null || entry.authorId === null) continue;
    if (!onOrBefore(entry.occurredAt, asOf)) continue;
    if (latest !== null && entry.occurredAt <= latest.occurredAt) continue;
    if (!byOwner(entry.authorId, entry.occurredAt)) continue;
    latest = entry;
  }
  if (latest === null || latest.sentiment === null) return greyResult('no sentiment logged by the owner');
  const age = daysBetween(latest.occurredAt, asOf);
  const inputs = [
    { name: 'sentiment', value: latest.sentiment, date: latest.occurredAt },
    { name: 'age_days', value: age, date: null },
  ];
  if (age > config.sentiment.greyAfterDays) {
    return { ...greyResult(`sentiment is ${age} days old`, inputs), stale: true };
  }
  const stale = age > config.sentiment.staleAfterDays;
  return colorResult(
    latest.sentiment,
    age,
    `${latest.sentiment} sentiment logged ${age} days ago`,
    inputs,
    config,
    {
      stale,
      info: stale ? `sentiment older than ${config.sentiment.staleAfterDays} days` : null,
    },
  );
}
