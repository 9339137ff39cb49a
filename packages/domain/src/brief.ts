import { explainScoreChange } from './contributions.js';
import type { Color } from './facts.js';
import { MEASURE_LABEL } from './scorecard.js';
import { MEASURE_KEYS, type MeasureKey, type ScoreChange, type Scorecard } from './views.js';

/** One measure of a renewal brief at its checkpoint and today. */
export interface BriefMeasureChange {
  key: MeasureKey;
  label: string;
  colorThen: Color;
  colorNow: Color;
  valueThen: number | null;
  valueNow: number | null;
  /** Points this measure moved the score by since the checkpoint (they sum to the score change). */
  points: number;
  /** Why the measure has its colour today. */
  reasonNow: string;
}

/** What changed in a brief since its checkpoint (issue 14 point 3): measure by measure, and why. */
export interface BriefChanges {
  score: ScoreChange;
  renewalForecastThen: Color;
  renewalForecastNow: Color;
  /** Measures whose colour, value or share of the score moved, biggest move first. */
  measures: BriefMeasureChange[];
}

export function briefChanges(then: Scorecard, now: Scorecard): BriefChanges {
  const score = explainScoreChange(then, now);
  const measures = MEASURE_KEYS.map(
    (key): BriefMeasureChange => ({
      key,
      label: MEASURE_LABEL[key],
      colorThen: then.measures[key].color,
      colorNow: now.measures[key].color,
      valueThen: then.measures[key].value,
      valueNow: now.measures[key].value,
      points: score.contributions[key].points,
      reasonNow: now.measures[key].reason,
    }),
  )
    .filter((m) => m.colorThen !== m.colorNow || m.valueThen !== m.valueNow || m.points !== 0)
    .sort(
      (a, b) =>
        Math.abs(b.points) - Math.abs(a.points) ||
        Number(b.colorThen !== b.colorNow) - Number(a.colorThen !== a.colorNow) ||
        MEASURE_KEYS.indexOf(a.key) - MEASURE_KEYS.indexOf(b.key),
    );
  return {
    score,
    renewalForecastThen: then.renewalForecastColor,
    renewalForecastNow: now.renewalForecastColor,
    measures,
  };
}
