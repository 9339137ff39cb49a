import type { Color } from './facts.js';
import type { Scorecard } from './views.js';

/** A score move is worth recording when the points or the colour changed (DESIGN.md §1 score_changes). */
export function scoreMoved(
  before: Pick<Scorecard, 'score' | 'color'>,
  after: Pick<Scorecard, 'score' | 'color'>,
) {
  return before.score !== after.score || before.color !== after.color;
}

/**
 * Whether a recorded move shows as one where scores are read (to a tenth of a point, with their
 * colour): one that shows the same score and colour on both sides tells a reader nothing, so the
 * "what changed" feed leaves it out.
 */
export function showsMove(move: {
  fromScore: number | null;
  toScore: number | null;
  fromColor: Color | null;
  toColor: Color;
}): boolean {
  return move.fromColor !== move.toColor || tenths(move.fromScore) !== tenths(move.toScore);
}

const tenths = (score: number | null): number | null => (score === null ? null : Math.round(score * 10));
