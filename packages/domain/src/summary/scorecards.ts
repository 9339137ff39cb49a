import type { PulseConfig } from '../config.js';
import type { AccountFacts, IsoDate } from '../facts.js';
import { computeScorecard } from '../scorecard.js';
import type { Scorecard } from '../views.js';

/** The account's scorecard at the end of a date. */
export type ScorecardOn = (date: IsoDate) => Scorecard;

/**
 * Scorecards by date, each computed once: trend dates and the 30-day and 7-day look-backs can
 * fall on the same date.
 */
export function rememberedScorecards(facts: AccountFacts, config: PulseConfig): ScorecardOn {
  const cards = new Map<IsoDate, Scorecard>();
  return (date) => {
    let card = cards.get(date);
    if (card === undefined) {
      card = computeScorecard(facts, date, config);
      cards.set(date, card);
    }
    return card;
  };
}
