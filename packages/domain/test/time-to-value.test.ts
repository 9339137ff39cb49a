import { describe, expect, it } from 'vitest';
import {
  type Color,
  defaultConfig as config,
  type TimeToValueResult,
  timeToEngage,
  timeToFirstValue,
  timeToOnboard,
  timeToValue,
  timeToValueContribution,
  timeToValueTeam,
} from '../src/index.js';
import { AS_OF, account, entry, facts, usage } from './fixtures.js';

describe('time to value (KPIS.md §5)', () => {
  const limits = { greenMaxDays: 14, yellowMaxDays: 21 };
  it.each<[string | null, string, Color, boolean]>([
    ['2026-05-15', '2026-05-29', 'green', true],
    ['2026-05-15', '2026-05-30', 'yellow', true],
    ['2026-05-15', '2026-06-05', 'yellow', true],
    ['2026-05-15', '2026-06-06', 'red', true],
  ])('engaged %s → %s is %s', (start, end, color, reached) => {
    expect(timeToValue(start, end, AS_OF, limits)).toMatchObject({ color, reached });
  });

  it('is red when not reached after the green limit, pending (grey) before, grey without a start', () => {
    expect(timeToValue('2026-06-01', null, AS_OF, limits)).toEqual({
      days: 14,
      reached: false,
      color: 'grey',
    });
    expect(timeToValue('2026-05-31', null, AS_OF, limits)).toEqual({
      days: 15,
      reached: false,
      color: 'red',
    });
    expect(timeToValue(null, null, AS_OF, limits).color).toBe('grey');
  });

  it('measures time to engage from onboarding start to the first call or meeting', () => {
    const f = facts({
      account: account({ onboardingStart: '2026-05-01' }),
      timeline: [
        entry({ kind: 'email', occurredAt: '2026-05-02T10:00:00.000Z' }),
        entry({ kind: 'call', occurredAt: '2026-05-22T10:00:00.000Z' }),
        entry({ kind: 'meeting', occurredAt: '2026-06-01T10:00:00.000Z' }),
      ],
    });
    expect(timeToEngage(f, AS_OF, config)).toEqual({ days: 21, reached: true, color: 'yellow' });
  });

  it('measures time to first value from usage (≥ 0.10 of seats) or the manual date', () => {
    const f = facts({
      account: account({ contractStart: '2026-04-01' }),
      usageSnapshots: [
        usage({ measuredOn: '2026-04-20', billableUsers: 9 }),
        usage({ measuredOn: '2026-05-16', billableUsers: 10 }),
      ],
    });
    expect(timeToFirstValue(f, AS_OF, config)).toEqual({ days: 45, reached: true, color: 'yellow' });
    const manual = { ...f, account: { ...f.account, firstValueDate: '2026-05-01' } };
    expect(timeToFirstValue(manual, AS_OF, config)).toEqual({ days: 30, reached: true, color: 'green' });
  });

  it('measures time to onboard, red when still open after 45 days', () => {
    const open = facts({ account: account({ onboardingStart: '2026-04-30' }) });
    expect(timeToOnboard(open, AS_OF, config)).toEqual({ days: 46, reached: false, color: 'red' });
    const closed = facts({
      account: account({ onboardingStart: '2026-04-01', onboardingClosed: '2026-05-31' }),
    });
    expect(timeToOnboard(closed, AS_OF, config)).toEqual({ days: 60, reached: true, color: 'yellow' });
  });

  it('team value: median of reached clocks, share within target of decided clocks', () => {
    const team = (clocks: TimeToValueResult[]) => {
      const added = clocks.map(timeToValueContribution);
      return timeToValueTeam(
        added.filter((c) => c.decided).length,
        added.filter((c) => c.green).length,
        added.flatMap((c) => (c.reachedDays === null ? [] : [c.reachedDays])).sort((a, b) => a - b),
      );
    };
    const clocks: TimeToValueResult[] = [
      { days: 10, reached: true, color: 'green' },
      { days: 20, reached: true, color: 'yellow' },
      { days: 50, reached: true, color: 'red' },
      { days: 30, reached: false, color: 'red' },
      { days: 3, reached: false, color: 'grey' },
    ];
    expect(team(clocks)).toEqual({ medianDays: 20, withinTarget: 0.25, decided: 4 });
    // An even count of reached clocks: the mean of the middle two.
    expect(team([...clocks, { days: 70, reached: true, color: 'red' }])).toMatchObject({ medianDays: 35 });
    // Nothing reached, nothing decided: no value rather than zero.
    expect(team([clocks[4]!])).toEqual({ medianDays: null, withinTarget: null, decided: 0 });
  });
});
