import type { PulseConfig } from '../config.js';
import { daysBetween, onOrBefore } from '../dates.js';
import type { Account, IsoDate, TimelineEntry } from '../facts.js';
import { colorResult, greyResult, type MeasureResult } from './result.js';

/** People whose sentiment counts: CSE for CSE-assigned accounts, else the CSM or CSA. */
export function sentimentOwners(account: Account): string[] {
  const ids = account.successTier === 'cse_assigned' ? [account.cseId] : [account.csmId, account.csaId];
  return ids.filter((id): id is string => id !== null);
}

/** Latest sentiment logged by an owner; stale after 90 days (colour kept), grey after 120. */
export function ownerSentiment(
  account: Account,
  timeline: TimelineEntry[],
  asOf: IsoDate,
  config: PulseConfig,
): MeasureResult {
  const owners = new Set(sentimentOwners(account));
  let latest: TimelineEntry | null = null;
  for (const entry of timeline) {
    if (entry.sentiment === null || entry.authorId === null || !owners.has(entry.authorId)) continue;
    if (!onOrBefore(entry.occurredAt, asOf)) continue;
    if (latest === null || entry.occurredAt > latest.occurredAt) latest = entry;
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
