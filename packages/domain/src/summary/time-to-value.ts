import type { PulseConfig } from '../config.js';
import type { AccountFacts, IsoDate } from '../facts.js';
import { timeToEngage, timeToFirstValue, timeToOnboard } from '../time-to-value.js';
import type { AccountSummary } from '../views.js';

type TimeToValuePart = Pick<AccountSummary, 'timeToEngage' | 'timeToFirstValue' | 'timeToOnboard'>;

/** How long the account took to engage, to reach first value and to finish onboarding. */
export function timeToValuePart(facts: AccountFacts, day: IsoDate, config: PulseConfig): TimeToValuePart {
  return {
    timeToEngage: timeToEngage(facts, day, config),
    timeToFirstValue: timeToFirstValue(facts, day, config),
    timeToOnboard: timeToOnboard(facts, day, config),
  };
}
