import type { PulseConfig } from '../config.js';
import { explainScoreChange } from '../contributions.js';
import { addDays } from '../dates.js';
import type { IsoDate } from '../facts.js';
import type { AccountSummary, Scorecard } from '../views.js';
import type { ScorecardOn } from './scorecards.js';

type HealthPart = Pick<
  AccountSummary,
  | 'healthScore'
  | 'healthColor'
  | 'healthLabel'
  | 'overridden'
  | 'excludedFromHealthAverages'
  | 'scoreThirtyDaysAgo'
  | 'thirtyDaysAgo'
  | 'colorSevenDaysAgo'
  | 'scoreSevenDaysAgo'
  | 'turnedRedThisWeek'
  | 'turnedRedCause'
>;

/** The health score at `day` (`card`), 30 days before, and whether it turned red this week and why. */
export function healthPart(
  card: Scorecard,
  cardOn: ScorecardOn,
  day: IsoDate,
  config: PulseConfig,
): HealthPart {
  const thirtyDaysAgo = addDays(day, -config.scoreTrendDays);
  const cardWeekAgo = cardOn(addDays(day, -config.turnedRedWindowDays));
  const turnedRedThisWeek = card.color === 'red' && cardWeekAgo.color !== 'red';
  return {
    healthScore: card.score,
    healthColor: card.color,
    healthLabel: card.label,
    overridden: card.colorCause === 'manual_override',
    excludedFromHealthAverages: card.excludedFromHealthAverages,
    scoreThirtyDaysAgo: cardOn(thirtyDaysAgo).score,
    thirtyDaysAgo,
    colorSevenDaysAgo: cardWeekAgo.color,
    scoreSevenDaysAgo: cardWeekAgo.score,
    turnedRedThisWeek,
    turnedRedCause: turnedRedThisWeek ? explainScoreChange(cardWeekAgo, card).cause : null,
  };
}
