import { MEASURE_LABEL } from './scorecard.js';
import {
  MEASURE_KEYS,
  type MeasureContribution,
  type MeasureKey,
  type ScoreChange,
  type ScoreChangeCause,
  type Scorecard,
} from './views.js';

/** A measure's weighted points in a scorecard (its share of the score). */
function weightedPoints(card: Scorecard, key: MeasureKey): number {
  const m = card.measures[key];
  return m.points === null ? 0 : (m.effectiveWeight * m.points) / 100;
}

/**
 * Splits an integer total (hundredths) over raw shares (hundredths) so every part is an integer and
 * the parts sum to the total: floor each share, then hand out the remainder by largest fraction
 * (ties: first in order). Deterministic.
 */
export function apportion(raw: readonly number[], total: number): number[] {
  const parts = raw.map((r) => Math.floor(r));
  let remainder = total - parts.reduce((sum, p) => sum + p, 0);
  if (parts.length === 0) return parts;
  const byFraction = raw
    .map((r, index) => ({ index, fraction: r - Math.floor(r) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (let i = 0; remainder > 0; i++, remainder--) {
    const slot = byFraction[i % byFraction.length]!;
    parts[slot.index]! += 1;
  }
  for (let i = byFraction.length - 1; remainder < 0; i--, remainder++) {
    const slot = byFraction[((i % byFraction.length) + byFraction.length) % byFraction.length]!;
    parts[slot.index]! -= 1;
  }
  return parts;
}

function turnedRedCause(after: Scorecard): ScoreChangeCause {
  if (after.colorCause === 'manual_override') return 'override';
  if (after.colorCause === 'sentiment_override') return 'sentiment_override';
  return 'score_below_50';
}

function changeCause(before: Scorecard, after: Scorecard): ScoreChangeCause | null {
  if (after.color === 'red' && before.color !== 'red') return turnedRedCause(after);
  if (after.renewalForecastColor === 'red' && before.renewalForecastColor !== 'red')
    return 'renewal_forecast_red';
  if (after.colorCause !== before.colorCause) {
    if (after.colorCause === 'manual_override') return 'override';
    if (after.colorCause === 'will_churn') return 'will_churn';
    if (after.colorCause === 'no_data') return 'no_data';
    if (after.colorCause === 'sentiment_override') return 'sentiment_override';
  }
  // No measure moved "from" anything: without a cause the move would read as unexplained.
  if (before.score === null && after.score !== null) return 'first_score';
  return null;
}

function formatPoints(value: number): string {
  const text = Math.abs(value)
    .toFixed(2)
    .replace(/\.?0+$/, '');
  return value < 0 ? `−${text}` : `+${text}`;
}

/**
 * The measures that moved a score, largest move first (ties in measure order); at most `count`.
 * What the change's text lists, and the "what changed" feed its first three.
 */
export function largestContributions(
  contributions: Partial<Record<MeasureKey, MeasureContribution>>,
  count: number = MEASURE_KEYS.length,
): MeasureContribution[] {
  return Object.values(contributions)
    .filter((c): c is MeasureContribution => c !== undefined && c.points !== 0)
    .sort(
      (a, b) =>
        Math.abs(b.points) - Math.abs(a.points) || MEASURE_KEYS.indexOf(a.key) - MEASURE_KEYS.indexOf(b.key),
    )
    .slice(0, count);
}

/**
 * Explains a move from `before` to `after` (KPIS.md §1.4). Each measure contributes the change of its
 * weighted points (effective weight × points / 100; with unchanged weights that is effective weight ×
 * points change / 100). Contributions are rounded to hundredths so they sum exactly to the change of
 * the rounded scores.
 */
export function explainScoreChange(before: Scorecard, after: Scorecard): ScoreChange {
  const change =
    before.score === null || after.score === null
      ? null
      : Math.round(after.score * 100 - before.score * 100) / 100;
  const raw = MEASURE_KEYS.map((k) => (weightedPoints(after, k) - weightedPoints(before, k)) * 100);
  const hundredths = change === null ? MEASURE_KEYS.map(() => 0) : apportion(raw, Math.round(change * 100));
  const contributions = {} as Record<MeasureKey, MeasureContribution>;
  MEASURE_KEYS.forEach((key, i) => {
    contributions[key] = { key, label: MEASURE_LABEL[key], points: (hundredths[i] ?? 0) / 100 };
  });
  const moved = largestContributions(contributions);
  const head = `${before.score ?? '—'} → ${after.score ?? '—'}`;
  const parts = moved.map((c) => `${c.label} ${formatPoints(c.points)}`);
  const cause = changeCause(before, after);
  const text = [parts.length > 0 ? `${head}: ${parts.join(', ')}` : head, cause ? `(${cause})` : null]
    .filter((s) => s !== null)
    .join(' ');
  return {
    accountId: after.accountId,
    fromScore: before.score,
    toScore: after.score,
    fromColor: before.color,
    toColor: after.color,
    change,
    contributions,
    cause,
    text,
  };
}
