import type { Scorecard } from './views.js';

/** A score move is worth recording when the points or the colour changed (DESIGN.md §1 score_changes). */
export function scoreMoved(
  before: Pick<Scorecard, 'score' | 'color'>,
  after: Pick<Scorecard, 'score' | 'color'>,
) {
  return before.score !== after.score || before.color !== after.color;
}
