import type { PulseConfig } from '../config.js';
import { daysBetween } from '../dates.js';
import { ebrApplies, ebrDates, ebrOverdue } from '../engagement.js';
import type { AccountFacts, IsoDate } from '../facts.js';
import { lastMeetingDate } from '../measures/engagement.js';
import { tierApplicability } from '../tiers.js';
import type { AccountSummary, Scorecard } from '../views.js';

type MeetingsPart = Pick<
  AccountSummary,
  | 'ebrApplicable'
  | 'lastEbrDate'
  | 'ebrDates'
  | 'ebrOverdue'
  | 'cadenceApplicable'
  | 'cadenceColor'
  | 'daysSinceLastMeeting'
  | 'lastEngagementDate'
>;

/** Executive business reviews and meeting cadence at `day`, the cadence colour from `card`. */
export function meetingsPart(
  facts: AccountFacts,
  card: Scorecard,
  day: IsoDate,
  config: PulseConfig,
): MeetingsPart {
  const { account } = facts;
  const ebrs = ebrDates(facts.timeline, day);
  const lastEbr = ebrs.at(-1) ?? null;
  const lastMeeting = lastMeetingDate(facts.timeline, day);
  return {
    ebrApplicable: ebrApplies(account),
    lastEbrDate: lastEbr,
    ebrDates: ebrs,
    ebrOverdue: ebrApplies(account) && ebrOverdue(account, lastEbr, day, config),
    cadenceApplicable: tierApplicability(account.successTier).ownerLedMeasures,
    cadenceColor: card.measures.meeting_cadence.color,
    daysSinceLastMeeting: lastMeeting ? daysBetween(lastMeeting, day) : null,
    lastEngagementDate: lastMeeting,
  };
}
