import type { ChangeEntry } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { changesFeedOf } from '../../src/views/changes-feed.js';

const recorded = (id: number, fromScore: number, toScore: number): ChangeEntry => ({
  id,
  accountId: `acc-${id}`,
  accountName: `Account ${id}`,
  changedAt: `2026-11-27T10:0${id}:00.000Z`,
  fromScore,
  toScore,
  fromColor: 'green',
  toColor: 'green',
  contributions: {
    ci_adoption: { key: 'ci_adoption', label: 'CI adoption', points: toScore - fromScore - 0.5 },
    success_plan: { key: 'success_plan', label: 'Success plan', points: 0.25 },
    support_load: { key: 'support_load', label: 'Support load', points: 0.1 },
    owner_sentiment: { key: 'owner_sentiment', label: 'Owner sentiment', points: 0.15 },
    scm_adoption: { key: 'scm_adoption', label: 'SCM adoption', points: 0 },
  },
  cause: null,
  text: 'the full explanation, shown on the account page',
});

describe('the "what changed" feed', () => {
  it('carries each move as the feed shows it, keyed by id, and leaves out moves that show none', () => {
    const feed = changesFeedOf([recorded(2, 80.8, 77.1), recorded(1, 80.81, 80.84)]);
    expect(feed).toEqual({
      changes: {
        2: {
          accountId: 'acc-2',
          accountName: 'Account 2',
          changedAt: '2026-11-27T10:02:00.000Z',
          fromScore: 80.8,
          toScore: 77.1,
          fromColor: 'green',
          toColor: 'green',
          cause: null,
          moves: [
            { label: 'CI adoption', points: expect.closeTo(-4.2, 5) },
            { label: 'Success plan', points: 0.25 },
            { label: 'Owner sentiment', points: 0.15 },
          ],
        },
      },
    });
  });
});
