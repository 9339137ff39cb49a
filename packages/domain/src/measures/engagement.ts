import { maxDaysColor } from '../colors.js';
import type { PulseConfig } from '../config.js';
import { daysBetween, onOrBefore, toDate } from '../dates.js';
import type { Account, IsoDate, Persona, TimelineEntry, TimelineKind } from '../facts.js';
import { colorResult, type MeasureResult } from './result.js';

const MEETING_KINDS: ReadonlySet<TimelineKind> = new Set(['call', 'meeting', 'ebr', 'workshop']);

export function isMeeting(entry: TimelineEntry): boolean {
  return MEETING_KINDS.has(entry.kind);
}

/** Date of the latest call/meeting/EBR/workshop on or before asOf. */
export function lastMeetingDate(timeline: TimelineEntry[], asOf: IsoDate): IsoDate | null {
  let last: IsoDate | null = null;
  for (const e of timeline) {
    if (!isMeeting(e) || !onOrBefore(e.occurredAt, asOf)) continue;
    const d = toDate(e.occurredAt);
    if (last === null || d > last) last = d;
  }
  return last;
}

/**
 * Days since the last meeting by priority (P1: ≤ 35 / ≤ 60, P2: ≤ 65 / ≤ 90). With no meeting yet,
 * the clock runs from the contract start.
 */
export function meetingCadence(
  account: Account,
  timeline: TimelineEntry[],
  asOf: IsoDate,
  config: PulseConfig,
): MeasureResult {
  const last = lastMeetingDate(timeline, asOf);
  const since = last ?? account.contractStart;
  const days = daysBetween(since, asOf);
  const limits = config.cadence[account.priority];
  const color = maxDaysColor(days, limits);
  const inputs = [
    { name: 'last_meeting', value: last, date: last },
    { name: 'priority', value: account.priority, date: null },
  ];
  const reason = last
    ? `last meeting ${days} days ago (priority ${account.priority})`
    : `no meeting in ${days} days`;
  return colorResult(color, days, reason, inputs, config);
}

/** External personas on timeline entries of the last 90 days: dev lead and security lead. */
export function personaEngagement(
  timeline: TimelineEntry[],
  asOf: IsoDate,
  config: PulseConfig,
): MeasureResult {
  const seen = new Set<Persona>();
  for (const e of timeline) {
    if (!onOrBefore(e.occurredAt, asOf) || daysBetween(e.occurredAt, asOf) >= config.personaWindowDays)
      continue;
    for (const p of e.personas) seen.add(p);
  }
  const dev = seen.has('dev_lead');
  const security = seen.has('security_lead');
  const count = Number(dev) + Number(security);
  const color = count === 2 ? 'green' : count === 1 ? 'yellow' : 'red';
  const inputs = [
    { name: 'dev_lead', value: dev, date: null },
    { name: 'security_lead', value: security, date: null },
  ];
  return colorResult(color, count, `${count} of dev lead / security lead engaged in 90 days`, inputs, config);
}
