import { describe, expect, it } from 'vitest';
import { briefChanges, computeScorecard, defaultConfig as config } from '../src/index.js';
import { AS_OF, entry, facts, renewal, usage } from './fixtures.js';

describe('renewal brief: what changed since the checkpoint, measure by measure', () => {
  const then = computeScorecard(facts({ renewals: [renewal()] }), AS_OF, config);
  const now = computeScorecard(
    facts({
      usageSnapshots: [usage({ ciBuilds: 100 })],
      timeline: [entry({ sentiment: 'yellow', personas: ['dev_lead', 'security_lead'] })],
      renewals: [renewal({ forecastCents: 1_00 })],
    }),
    AS_OF,
    config,
  );
  const changes = briefChanges(then, now);

  it('lists the measures that moved, biggest first, with their points summing to the score change', () => {
    expect(new Set(changes.measures.map((m) => `${m.key} ${m.colorThen}→${m.colorNow}`))).toEqual(
      new Set(['owner_sentiment green→yellow', 'ci_adoption green→red']),
    );
    const moves = changes.measures.map((m) => Math.abs(m.points));
    expect(moves).toEqual([...moves].sort((x, y) => y - x));
    const sum = changes.measures.reduce((total, m) => total + Math.round(m.points * 100), 0) / 100;
    expect(sum).toBe(changes.score.change);
    expect(changes.measures.find((m) => m.key === 'ci_adoption')!.reasonNow).toContain('red');
  });

  it('says the renewal forecast turned red, and is empty when nothing moved', () => {
    expect([changes.renewalForecastThen, changes.renewalForecastNow]).toEqual(['green', 'red']);
    const same = briefChanges(then, then);
    expect([same.measures, same.score.change]).toEqual([[], 0]);
  });
});
