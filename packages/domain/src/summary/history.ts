import type { PulseConfig } from '../config.js';
import { trendDates } from '../dates.js';
import { ebrCovered, ebrDates } from '../engagement.js';
import type { AccountFacts, Color, IsoDate, UseCase } from '../facts.js';
import type { AccountSummary, Scorecard, SummaryHistoryPoint } from '../views.js';
import type { ScorecardOn } from './scorecards.js';
import { type DatedUsageColors, primaryUseCaseOf } from './usage.js';

/** One point per trend date (the last month-ends and `day`, whose scorecard is `card`). */
export function historyPart(
  facts: AccountFacts,
  card: Scorecard,
  cardOn: ScorecardOn,
  { colorsOn }: DatedUsageColors,
  day: IsoDate,
  config: PulseConfig,
): Pick<AccountSummary, 'history'> {
  const history: Record<IsoDate, SummaryHistoryPoint> = {};
  for (const date of trendDates(day, config.trendPoints)) {
    history[date] = historyPoint(facts, date === day ? card : cardOn(date), date, colorsOn(date), config);
  }
  return { history };
}

/** The history point of `date`, from the scorecard of that date and the usage colours then. */
function historyPoint(
  facts: AccountFacts,
  card: Scorecard,
  date: IsoDate,
  colors: Record<UseCase, Color>,
  config: PulseConfig,
): SummaryHistoryPoint {
  const primary = primaryUseCaseOf(facts);
  const ebrs = ebrDates(facts.timeline, date);
  return {
    score: card.score,
    color: card.color,
    excludedFromHealthAverages: card.excludedFromHealthAverages,
    useCaseColors: colors,
    primaryUseCaseColor: primary ? colors[primary] : 'grey',
    cadenceColor: card.measures.meeting_cadence.color,
    ebrCovered: ebrCovered(ebrs.at(-1) ?? null, date, config),
    sentimentStale: card.measures.owner_sentiment.stale,
  };
}
