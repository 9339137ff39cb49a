import { largestContributions, showsMove } from '@pulse/domain';
import type { ChangeEntry, ChangesState, FeedEntry } from '@pulse/protocol';

/** Measures the feed names per move ("CI adoption −5.6, success plan −2.4, …"). */
const MOVES_SHOWN = 3;

/**
 * The `changes` topic's state from the newest recorded moves: each as the feed shows it, keyed by
 * id, without those that show no move. Only what is on screen travels, so a new move costs its
 * one entry and no more.
 */
export function changesFeedOf(recent: readonly ChangeEntry[]): ChangesState {
  const changes: Record<string, FeedEntry> = {};
  for (const change of recent) if (showsMove(change)) changes[String(change.id)] = feedEntryOf(change);
  return { changes };
}

function feedEntryOf({ id: _id, contributions, text: _text, ...move }: ChangeEntry): FeedEntry {
  return {
    ...move,
    moves: largestContributions(contributions, MOVES_SHOWN).map(({ label, points }) => ({ label, points })),
  };
}
