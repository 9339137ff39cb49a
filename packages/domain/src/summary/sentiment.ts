import type { AccountSummary, Scorecard } from '../views.js';

type SentimentPart = Pick<AccountSummary, 'sentimentColor' | 'sentimentDate' | 'sentimentStale'>;

/** The owner's sentiment as `card` scored it, with the date it was given. */
export function sentimentPart(card: Scorecard): SentimentPart {
  const sentiment = card.measures.owner_sentiment;
  const sentimentInput = sentiment.inputs.find((i) => i.name === 'sentiment');
  return {
    sentimentColor: sentiment.color,
    sentimentDate: typeof sentimentInput?.date === 'string' ? sentimentInput.date : null,
    sentimentStale: sentiment.stale,
  };
}
