import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AccountFacts,
  type Color,
  computeScorecard,
  defaultConfig as config,
  explainScoreChange,
  largestContributions,
  MEASURE_KEYS,
  pointsColor,
  scoreMoved,
  showsMove,
} from '../src/index.js';
import { AS_OF, account, entry, facts, override, plan, ticket, usage } from './fixtures.js';

/** An on-demand account with no usage, tickets or timeline: every measure grey. */
const noDataFacts = () =>
  facts({
    account: account({ successTier: 'on_demand' }),
    usageSnapshots: [],
    supportTickets: [],
    timeline: [],
  });

describe('points ↔ colour', () => {
  it.each<[number | null, Color]>([
    [null, 'grey'],
    [0, 'red'],
    [49.99, 'red'],
    [50, 'yellow'],
    [74.99, 'yellow'],
    [75, 'green'],
    [100, 'green'],
  ])('%s points → %s', (points, color) => {
    expect(pointsColor(points, config)).toBe(color);
  });
});

describe('scorecard aggregation (KPIS.md §1.3)', () => {
  it('scores an all-green account 87.5 with effective weights summing to 100', () => {
    const card = computeScorecard(facts(), AS_OF, config);
    expect(card.score).toBe(87.5);
    expect(card.color).toBe('green');
    const total = MEASURE_KEYS.reduce((sum, k) => sum + card.measures[k].effectiveWeight, 0);
    expect(total).toBeCloseTo(100, 10);
    expect(card.measures.license_utilization.effectiveWeight).toBeCloseTo(50 * (30 / 100), 10);
    expect(card.measures.owner_sentiment.effectiveWeight).toBeCloseTo(25, 10);
  });

  it('shares the weight of a grey measure over the rest of its group', () => {
    const card = computeScorecard(facts({ account: account({ planTier: 'premium' }) }), AS_OF, config);
    expect(card.measures.security_adoption.color).toBe('grey');
    expect(card.measures.security_adoption.effectiveWeight).toBe(0);
    expect(card.measures.license_utilization.effectiveWeight).toBeCloseTo(50 * (30 / 85), 10);
    expect(card.score).toBe(87.5);
  });

  it('reproduces the handbook group average: green, green, yellow product measures → 79.17', () => {
    // Engagement group: cadence green (87.5) + persona yellow (62.5) → 75 group score.
    const f = facts({
      timeline: [entry({ sentiment: 'green', personas: ['dev_lead'] })],
    });
    const card = computeScorecard(f, AS_OF, config);
    expect(card.groups.engagement.score).toBe(75);
    expect(card.groups.engagement.color).toBe('green');
  });

  it('shows input values with their dates', () => {
    const card = computeScorecard(facts(), AS_OF, config);
    expect(card.measures.license_utilization.inputs).toContainEqual({
      name: 'billable_users',
      value: 100,
      date: '2026-06-01',
    });
  });

  it('applies the tier table: on-demand has no sentiment, plan, cadence or persona', () => {
    const card = computeScorecard(facts({ account: account({ successTier: 'on_demand' }) }), AS_OF, config);
    for (const key of ['owner_sentiment', 'success_plan', 'meeting_cadence', 'persona_engagement'] as const) {
      expect(card.measures[key].color).toBe('grey');
    }
    const cse = computeScorecard(
      facts({
        account: account({ successTier: 'cse_assigned' }),
        timeline: [entry({ authorId: 'tm-cse', sentiment: 'yellow' })],
      }),
      AS_OF,
      config,
    );
    expect(cse.measures.owner_sentiment.color).toBe('yellow');
    expect(cse.measures.success_plan.color).toBe('grey');
  });
});

describe('edge cases (KPIS.md §8)', () => {
  it('treats usage older than 60 days as grey', () => {
    const at60 = computeScorecard(
      facts({ usageSnapshots: [usage({ measuredOn: '2026-04-16' })] }),
      AS_OF,
      config,
    );
    expect(at60.measures.license_utilization.color).toBe('green');
    const at61 = computeScorecard(
      facts({ usageSnapshots: [usage({ measuredOn: '2026-04-15' })] }),
      AS_OF,
      config,
    );
    expect(at61.measures.license_utilization.color).toBe('grey');
    expect(at61.measures.license_utilization.reason).toMatch(/older than 60 days/);
    expect(at61.groups.product.color).toBe('grey');
  });

  it('handles missing usage and zero billable users without turning measures red', () => {
    const missing = computeScorecard(facts({ usageSnapshots: [] }), AS_OF, config);
    expect(missing.groups.product.score).toBeNull();
    const zero = computeScorecard(facts({ usageSnapshots: [usage({ billableUsers: 0 })] }), AS_OF, config);
    expect(zero.measures.user_engagement.color).toBe('grey');
    expect(zero.measures.ci_adoption.color).toBe('grey');
  });

  it('gives "No data" when every measure is grey', () => {
    const card = computeScorecard(noDataFacts(), AS_OF, config);
    expect([card.score, card.color, card.label, card.colorCause]).toEqual([
      null,
      'grey',
      'No data',
      'no_data',
    ]);
  });

  it('turns red on red sentiment whatever the score, still showing the score', () => {
    const card = computeScorecard(
      facts({ timeline: [entry({ sentiment: 'red', personas: ['dev_lead', 'security_lead'] })] }),
      AS_OF,
      config,
    );
    expect(card.score).toBe(71.88);
    expect(pointsColor(card.score, config)).toBe('yellow');
    expect([card.color, card.colorCause]).toEqual(['red', 'sentiment_override']);
  });

  it('greys will_churn accounts, labels them and leaves them out of health averages', () => {
    const card = computeScorecard(
      facts({ account: account({ lifecycleStage: 'will_churn' }) }),
      AS_OF,
      config,
    );
    expect([card.color, card.label, card.excludedFromHealthAverages]).toEqual(['grey', 'Will churn', true]);
    expect(card.score).toBe(87.5);
  });

  it('greys every measure but sentiment in the first 30 days of the contract', () => {
    const day29 = computeScorecard(
      facts({ account: account({ contractStart: '2026-05-17' }) }),
      AS_OF,
      config,
    );
    expect(day29.onboardingGrace).toBe(true);
    expect(MEASURE_KEYS.filter((k) => day29.measures[k].color !== 'grey')).toEqual(['owner_sentiment']);
    expect(day29.score).toBe(87.5);
    const day30 = computeScorecard(
      facts({ account: account({ contractStart: '2026-05-16' }) }),
      AS_OF,
      config,
    );
    expect(day30.onboardingGrace).toBe(false);
  });

  it('lets a manual override win until it expires or is cleared, showing the computed colour', () => {
    const red = { timeline: [entry({ sentiment: 'red' as const })] };
    const active = computeScorecard(facts({ ...red, healthOverrides: [override()] }), AS_OF, config);
    expect([active.color, active.colorCause, active.overridden?.computedColor]).toEqual([
      'green',
      'manual_override',
      'red',
    ]);
    const expired = computeScorecard(
      facts({ ...red, healthOverrides: [override({ expiresAt: '2026-06-15T00:00:00.000Z' })] }),
      AS_OF,
      config,
    );
    expect([expired.color, expired.overridden]).toEqual(['red', null]);
    const cleared = computeScorecard(
      facts({
        ...red,
        healthOverrides: [override({ clearedAt: '2026-06-10T00:00:00.000Z', clearedBy: 'tm-mgr' })],
      }),
      AS_OF,
      config,
    );
    expect(cleared.color).toBe('red');
    const future = computeScorecard(
      facts({ ...red, healthOverrides: [override({ createdAt: '2026-06-16T00:00:00.000Z' })] }),
      AS_OF,
      config,
    );
    expect(future.color).toBe('red');
  });

  it('carries the emergency badge without weight', () => {
    const card = computeScorecard(
      facts({ supportTickets: [ticket({ severity: 'emergency' })] }),
      AS_OF,
      config,
    );
    expect(card.badges.map((b) => [b.key, b.color])).toContainEqual(['emergency_tickets', 'red']);
    expect(card.score).toBe(87.5);
  });
});

describe('score changes (KPIS.md §1.4)', () => {
  it('explains a drop measure by measure, summing exactly to the change', () => {
    const before = computeScorecard(facts(), AS_OF, config);
    const after = computeScorecard(
      facts({ usageSnapshots: [usage({ ciBuilds: 100 })], successPlan: plan({ hasStrategy: false }) }),
      AS_OF,
      config,
    );
    const change = explainScoreChange(before, after);
    // CI green → red: 7.5 % effective weight × −62.5 points = −4.6875; plan green → yellow: 10 % × −25 = −2.5
    expect([before.score, after.score, change.change]).toEqual([87.5, 80.31, -7.19]);
    expect(change.contributions.ci_adoption.points).toBe(-4.69);
    expect(change.contributions.success_plan.points).toBe(-2.5);
    expect(change.contributions.license_utilization.points).toBe(0);
    expect(change.text).toBe('87.5 → 80.31: CI adoption −4.69, Success plan −2.5');
    expect(change.cause).toBeNull();
    expect(largestContributions(change.contributions, 1)).toEqual([
      { key: 'ci_adoption', label: 'CI adoption', points: -4.69 },
    ]);
  });

  it('records why an account turned red', () => {
    const before = computeScorecard(facts(), AS_OF, config);
    const sentiment = computeScorecard(facts({ timeline: [entry({ sentiment: 'red' })] }), AS_OF, config);
    expect(explainScoreChange(before, sentiment).cause).toBe('sentiment_override');
    const manual = computeScorecard(facts({ healthOverrides: [override({ color: 'red' })] }), AS_OF, config);
    expect(explainScoreChange(before, manual).cause).toBe('override');
    const low = computeScorecard(
      facts({
        usageSnapshots: [
          usage({
            billableUsers: 5,
            activeUsers28d: 1,
            gitOperationUsers: 0,
            ciBuilds: 0,
            scannerUsers: 0,
            scans: 0,
            scannerTypes: 0,
            deployingUsers: 0,
            deployments: 0,
            successfulDeployments: 0,
          }),
        ],
        successPlan: null,
        supportTickets: Array.from({ length: 20 }, () => ticket()),
        timeline: [entry({ sentiment: 'yellow', occurredAt: '2026-01-01T00:00:00.000Z' })],
      }),
      AS_OF,
      config,
    );
    expect(low.score).toBeLessThan(50);
    expect(explainScoreChange(before, low).cause).toBe('score_below_50');
    const renewalRed = computeScorecard(
      facts({
        renewals: [
          {
            id: 1,
            accountId: 'acc-0001',
            renewalDate: '2026-09-30',
            atrCents: 100,
            forecastCents: 50,
            riskCategory: 'will_renew',
            riskReason: null,
            status: 'open',
            wonCents: null,
            closedOn: null,
          },
        ],
      }),
      AS_OF,
      config,
    );
    expect(renewalRed.renewalForecastColor).toBe('red');
    expect(explainScoreChange(before, renewalRed).cause).toBe('renewal_forecast_red');
  });

  it('says a first score came with the first data, not leaving the move unexplained', () => {
    const noData = computeScorecard(noDataFacts(), AS_OF, config);
    const scored = computeScorecard(facts({ account: account({ successTier: 'on_demand' }) }), AS_OF, config);
    expect([noData.score, scored.score === null]).toEqual([null, false]);
    const change = explainScoreChange(noData, scored);
    expect([change.change, change.cause]).toEqual([null, 'first_score']);
    expect(explainScoreChange(scored, noData).cause).toBe('no_data');
  });

  it('knows when a move is worth recording', () => {
    expect(scoreMoved({ score: 70, color: 'yellow' }, { score: 70, color: 'yellow' })).toBe(false);
    expect(scoreMoved({ score: 70, color: 'yellow' }, { score: 70.01, color: 'yellow' })).toBe(true);
    expect(scoreMoved({ score: 70, color: 'yellow' }, { score: 70, color: 'red' })).toBe(true);
  });

  it('shows a move in the feed only when the score to a tenth or the colour differs', () => {
    const move = (fromScore: number | null, toScore: number | null, fromColor: Color | null = 'green') =>
      showsMove({ fromScore, toScore, fromColor, toColor: 'green' });
    expect([move(80.81, 80.84), move(80.81, 80.86), move(80.8, 80.8, 'yellow'), move(null, 80.8)]).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });
});

const colorArb = fc.constantFrom<'green' | 'yellow' | 'red'>('green', 'yellow', 'red');
const factsArb: fc.Arbitrary<AccountFacts> = fc
  .record({
    tier: fc.constantFrom('on_demand', 'cse_assigned', 'essentials', 'advanced', 'signature' as const),
    planTier: fc.constantFrom('free', 'premium', 'ultimate' as const),
    billable: fc.integer({ min: 0, max: 200 }),
    active: fc.integer({ min: 0, max: 200 }),
    git: fc.integer({ min: 0, max: 200 }),
    builds: fc.integer({ min: 0, max: 10_000 }),
    pipelines: fc.integer({ min: 0, max: 500 }),
    scanners: fc.integer({ min: 0, max: 100 }),
    scans: fc.integer({ min: 0, max: 500 }),
    types: fc.integer({ min: 0, max: 7 }),
    deployments: fc.integer({ min: 0, max: 2000 }),
    sentiment: fc.option(colorArb, { nil: null }),
    tickets: fc.integer({ min: 0, max: 20 }),
    hasPlan: fc.boolean(),
    hasUsage: fc.boolean(),
    personas: fc.subarray(['dev_lead', 'security_lead', 'executive'] as const),
  })
  .map((r) =>
    facts({
      account: account({ successTier: r.tier, planTier: r.planTier, csaId: null }),
      usageSnapshots: r.hasUsage
        ? [
            usage({
              billableUsers: r.billable,
              activeUsers28d: Math.min(r.active, r.billable),
              gitOperationUsers: r.git,
              ciBuilds: r.builds,
              ciPipelines: r.pipelines,
              scannerUsers: r.scanners,
              scans: r.scans,
              scannerTypes: r.types,
              deployments: r.deployments,
              successfulDeployments: Math.floor(r.deployments / 2),
            }),
          ]
        : [],
      timeline: [
        entry({
          sentiment: r.sentiment,
          personas: [...r.personas],
          authorId: r.tier === 'cse_assigned' ? 'tm-cse' : 'tm-csm',
        }),
      ],
      supportTickets: Array.from({ length: r.tickets }, () => ticket()),
      successPlan: r.hasPlan ? plan() : null,
    }),
  );

describe('properties', () => {
  it('contributions sum exactly to the score change', () => {
    fc.assert(
      fc.property(factsArb, factsArb, (a, b) => {
        const change = explainScoreChange(
          computeScorecard(a, AS_OF, config),
          computeScorecard(b, AS_OF, config),
        );
        if (change.change === null) return;
        const sum = Object.values(change.contributions).reduce((s, c) => s + Math.round(c.points * 100), 0);
        expect(sum).toBe(Math.round(change.change * 100));
        for (const c of Object.values(change.contributions))
          expect(Number.isInteger(Math.round(c.points * 100))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('grey never lowers a score: a grey measure scores at least as high as the same measure red', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const withRed = computeScorecard(
          { ...f, supportTickets: Array.from({ length: 16 }, () => ticket()) },
          AS_OF,
          config,
        );
        const withGrey = computeScorecard({ ...f, supportTickets: [] }, AS_OF, config);
        if (withRed.score === null) return;
        expect(withGrey.score ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(withRed.score);
      }),
      { numRuns: 300 },
    );
  });

  it('a score always lies between the lowest and highest points of its non-grey measures', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const card = computeScorecard(f, AS_OF, config);
        const points = MEASURE_KEYS.map((k) => card.measures[k].points).filter(
          (p): p is number => p !== null,
        );
        if (card.score === null) {
          expect(points).toEqual([]);
          return;
        }
        expect(card.score).toBeGreaterThanOrEqual(Math.min(...points) - 0.005);
        expect(card.score).toBeLessThanOrEqual(Math.max(...points) + 0.005);
      }),
      { numRuns: 300 },
    );
  });
});
