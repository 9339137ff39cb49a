import { describe, expect, it } from 'vitest';
import {
  addDays,
  arrBuckets,
  buildTeamView,
  type Color,
  computeScorecard,
  defaultConfig as config,
  growthNetArr,
  netArrWaterfall,
  type ObjectiveStatus,
  ownerSentiment,
  type PulseConfig,
  planColor,
  primaryUseCaseOf,
  summarizeAccount,
  TEAM_VIEW_CARDS,
  type UseCase,
} from '../src/index.js';
import { acceleratorsPart } from '../src/summary/accelerators.js';
import { rememberedUsageColors, usagePart } from '../src/summary/usage.js';
import {
  AS_OF,
  account,
  engagement,
  entry,
  facts,
  member,
  movement,
  objective,
  override,
  plan,
  usage,
} from './fixtures.js';

// The KPIS.md rules the engine used to read differently (issue 14, point 5), each at its boundaries.

describe('accelerators: overdue is red even with the entitlement met (KPIS.md §7.3)', () => {
  const { overdueDays } = config.accelerators;
  const accelerator = (daysAgo: number) =>
    engagement({ kind: 'accelerator', status: 'completed', completedOn: addDays(AS_OF, -daysAgo) });
  // signature: 4 a year; the bands of the delivered share are Pulse's own (ownBands.acceleratorDelivery)
  it.each<[string, number[], Color]>([
    ['4 of 4, the last one on the limit', [300, 250, 200, overdueDays], 'green'],
    ['4 of 4, the last one a day past the limit', [300, 250, 200, overdueDays + 1], 'red'],
    ['3 of 4 = 0.75, recent', [300, 200, 10], 'yellow'],
    ['2 of 4 = 0.5, recent', [300, 10], 'red'],
    ['5 of 4 counts as 4', [340, 300, 250, 200, 10], 'green'],
  ])('%s → %s', (_, daysAgo, color) => {
    const part = acceleratorsPart(
      facts({ account: account({ successTier: 'signature' }), engagements: daysAgo.map(accelerator) }),
      AS_OF,
      config,
    );
    expect(part.acceleratorColor).toBe(color);
  });

  it('is grey where the tier has no entitlement, and the CSA card counts the red accounts', () => {
    const grey = acceleratorsPart(facts({ account: account({ successTier: 'essentials' }) }), AS_OF, config);
    expect(grey.acceleratorColor).toBe('grey');
    const summaries = [
      [120, 240],
      [121, 240],
    ].map((days, i) =>
      summarizeAccount(
        facts({
          account: account({ id: `acc-${i}`, csaId: 'csa-1' }),
          engagements: days.map(accelerator),
        }),
        AS_OF,
        config,
      ),
    );
    const view = buildTeamView('csa', summaries, [member({ id: 'csa-1', role: 'csa' })], {}, AS_OF, config);
    // both delivered 2 of 2 (advanced); the one whose last accelerator is 121 days old is red
    expect(view.cards.accelerators_delivered).toMatchObject({ value: 1 });
    expect(view.cards.accelerators_delivered!.detail).toMatchObject({
      red: 1,
      overdue: 1,
      overdueAccounts: 'acc-1',
    });
  });
});

describe('CSE views credit an engagement to the CSE who delivered it (engagements.cse_id)', () => {
  const members = [member({ id: 'cse-owner', role: 'cse' }), member({ id: 'cse-delivered', role: 'cse' })];
  // The account is owned by cse-owner; the workshop was delivered by another CSE, or by nobody named.
  const summaryWith = (cseId: string | null) =>
    summarizeAccount(
      facts({
        account: account({ id: 'acc-x', cseId: 'cse-owner' }),
        engagements: [
          engagement({
            id: 70,
            cseId,
            completedOn: '2026-05-10',
            docUpdates: [
              { id: 1, engagementId: 70, url: 'https://docs.example.test/a', updatedOn: '2026-05-11' },
            ],
            deliverables: [
              {
                id: 1,
                engagementId: 70,
                title: 'runbook',
                dueDate: '2026-05-10',
                deliveredOn: '2026-05-09',
                status: 'delivered',
              },
            ],
          }),
        ],
      }),
      AS_OF,
      config,
    );

  it.each<[string, string | null, string, number | null, number | null]>([
    // delivered by                owner filter      docs  deliverables
    ['another CSE', 'cse-delivered', 'cse-delivered', 1, 1],
    ['another CSE', 'cse-delivered', 'cse-owner', null, null],
    ['nobody named (owner credited)', null, 'cse-owner', 1, 1],
    ['nobody named (owner credited)', null, 'cse-delivered', null, null],
  ])(
    'delivered by %s: the view of %s → docs %s, deliverables on time %s',
    (_, cseId, owner, docs, onTime) => {
      const view = buildTeamView('cse', [summaryWith(cseId)], members, { owner }, AS_OF, config);
      expect(view.cards.docs_per_engagement!.value).toBe(docs);
      expect(view.cards.deliverables_on_time!.value).toBe(onTime);
    },
  );

  it('puts the account in the delivering CSE’s leaderboard row too', () => {
    const view = buildTeamView('cse', [summaryWith('cse-delivered')], members, {}, AS_OF, config);
    expect(view.leaderboard['cse-delivered']).toMatchObject({ accountCount: 1 });
    expect(view.leaderboard['cse-delivered']!.cards.docs_per_engagement!.value).toBe(1);
    expect(view.leaderboard['cse-owner']!.cards.docs_per_engagement!.value).toBeNull();
  });
});

describe('sentiment of an earlier CSM or CSA still counts (ownership history)', () => {
  const history = [
    {
      id: 1,
      accountId: 'acc-0001',
      role: 'csm' as const,
      memberId: 'csm-old',
      validFrom: '2026-01-01T00:00:00.000Z',
    },
    {
      id: 2,
      accountId: 'acc-0001',
      role: 'csm' as const,
      memberId: 'tm-csm',
      validFrom: '2026-06-01T00:00:00.000Z',
    },
  ];
  it.each<[string, string, string, Color]>([
    ['the earlier CSM, while they held the account', 'csm-old', '2026-05-31T23:59:59.999Z', 'red'],
    ['the earlier CSM, the instant the next one took over', 'csm-old', '2026-06-01T00:00:00.000Z', 'grey'],
    ['the earlier CSM, before they held it', 'csm-old', '2025-12-31T23:59:59.999Z', 'grey'],
    ['someone who never held it', 'csm-never', '2026-05-20T00:00:00.000Z', 'grey'],
    ['the current CSM, whenever', 'tm-csm', '2025-12-01T00:00:00.000Z', 'red'],
  ])('logged by %s → %s', (_, authorId, occurredAt, color) => {
    const timeline = [entry({ authorId, occurredAt, sentiment: 'red' })];
    // 2026-06-15 is within the 120 days before sentiment turns grey for every entry above but 2025-12-01
    const asOf = occurredAt < '2026-01-01' && authorId === 'tm-csm' ? '2026-03-01' : AS_OF;
    expect(ownerSentiment(account(), timeline, asOf, config, history).color).toBe(color);
  });

  it('keeps the scorecard red on the earlier CSM’s red sentiment after a change of owner', () => {
    const card = computeScorecard(
      facts({
        ownerHistory: history,
        timeline: [entry({ authorId: 'csm-old', occurredAt: '2026-05-20T10:00:00.000Z', sentiment: 'red' })],
      }),
      AS_OF,
      config,
    );
    expect([card.measures.owner_sentiment.color, card.colorCause]).toEqual(['red', 'sentiment_override']);
  });
});

describe('primary use case falls back to the first success-plan objective (KPIS.md §2)', () => {
  it.each<[string, UseCase | null, Parameters<typeof plan>[0] | null, string | null]>([
    ['set on the account', 'cd', { objectives: [objective({ id: 1, useCase: 'scm' })] }, 'cd'],
    [
      'from the first objective',
      null,
      { objectives: [objective({ id: 9, useCase: 'cd' }), objective({ id: 3, useCase: 'scm' })] },
      'scm',
    ],
    [
      'first objective naming one',
      null,
      { objectives: [objective({ id: 3, useCase: null }), objective({ id: 4, useCase: 'security' })] },
      'security',
    ],
    ['no objective names one', null, { objectives: [objective({ useCase: null })] }, null],
    ['no plan', null, null, null],
  ])('%s → %s', (_, primary, planOverrides, expected) => {
    const f = facts({
      account: account({ primaryUseCase: primary }),
      successPlan: planOverrides === null ? null : plan(planOverrides),
    });
    expect(primaryUseCaseOf(f)).toBe(expected);
    const summary = summarizeAccount(f, AS_OF, config);
    expect(summary.primaryUseCase).toBe(expected);
    expect(summary.history[AS_OF]!.primaryUseCaseColor).toBe(
      expected === null ? 'grey' : summary.useCaseColors[expected as 'scm'],
    );
  });
});

describe('"green since" needs the next measurement to stay non-red (KPIS.md §2)', () => {
  const g = (measuredOn: string) => usage({ measuredOn });
  const r = (measuredOn: string) => usage({ measuredOn, ciBuilds: 0 });
  const y = (measuredOn: string) => usage({ measuredOn, ciBuilds: 1000 }); // 10 builds per user: yellow
  it.each<[string, ReturnType<typeof usage>[], string | null]>([
    ['one green, no next measurement yet', [g('2026-06-01')], null],
    ['green then yellow', [g('2026-05-01'), y('2026-06-01')], '2026-05-01'],
    ['green then red', [g('2026-05-01'), r('2026-06-01')], null],
    [
      'green, red, green, green',
      [g('2026-03-01'), r('2026-04-01'), g('2026-05-01'), g('2026-06-01')],
      '2026-05-01',
    ],
    ['green, red, green (last)', [g('2026-04-01'), r('2026-05-01'), g('2026-06-01')], null],
  ])('%s → %s', (_, usageSnapshots, since) => {
    const f = facts({ usageSnapshots });
    expect(usagePart(f, AS_OF, config, rememberedUsageColors(f, config)).primaryUseCaseGreenSince).toBe(
      since,
    );
  });
});

describe('growth net ARR leaves out every movement of a customer that landed in the period (KPIS.md §4)', () => {
  const quarter = ['2026-05-01', '2026-07-31'] as const;
  it.each<[string, ReturnType<typeof movement>[], number]>([
    [
      'existing customer',
      [
        movement('new', 100_00, '2026-04-30'),
        movement('expansion', 20_00, '2026-05-01'),
        movement('churn', 5_00, '2026-07-31'),
      ],
      15_00,
    ],
    [
      'landed on the first day, expanded later',
      [movement('new', 100_00, '2026-05-01'), movement('expansion', 20_00, '2026-06-01')],
      0,
    ],
    [
      'landed on the last day, contracted earlier (a returning customer)',
      [movement('contraction', 10_00, '2026-05-02'), movement('new', 50_00, '2026-07-31')],
      0,
    ],
    [
      'landed before, expansion after the period',
      [movement('new', 100_00, '2026-01-01'), movement('expansion', 20_00, '2026-08-01')],
      0,
    ],
  ])('%s → %i', (_, ledger, growth) => {
    expect(growthNetArr(arrBuckets(ledger, ...quarter))).toBe(growth);
  });

  it('sums the waterfall per account: a landing account brings nothing to the growth of its quarter', () => {
    const existing = [movement('new', 100_00, '2025-01-01'), movement('expansion', 30_00, '2026-06-01')];
    const landed = [movement('new', 100_00, '2026-05-15'), movement('expansion', 40_00, '2026-06-01')];
    const w = netArrWaterfall([existing, landed], AS_OF, 1, config);
    const q = w.quarters[w.order[0]!]!;
    expect([q.expansionCents, q.netCents, q.growthNetCents]).toEqual([70_00, 170_00, 30_00]);
  });
});

describe('a completed success plan [ours, PulseConfig.completedPlan]', () => {
  const { greenForDays } = config.completedPlan;
  const completedDaysAgo = (days: number, statuses: ObjectiveStatus[]) =>
    plan({
      status: 'completed',
      updatedAt: `${addDays(AS_OF, -days)}T12:00:00.000Z`,
      objectives: statuses.map((status) => objective({ status })),
    });
  it.each<[string, ReturnType<typeof plan>, Color]>([
    [`success, ${greenForDays} days ago`, completedDaysAgo(greenForDays, ['closed_success']), 'green'],
    [
      `success, ${greenForDays + 1} days ago`,
      completedDaysAgo(greenForDays + 1, ['closed_success']),
      'yellow',
    ],
    ['success and a lost objective, recent', completedDaysAgo(1, ['closed_success', 'closed_lost']), 'green'],
    ['no objective closed in success', completedDaysAgo(1, ['on_track']), 'yellow'],
    ['only lost objectives', completedDaysAgo(1, ['closed_lost', 'closed_not_relevant']), 'red'],
  ])('%s → %s', (_, p, color) => {
    expect(planColor(p, AS_OF, config).color).toBe(color);
  });
});

describe('a manual override on a will-churn account [ours, PulseConfig.willChurnBeatsOverride]', () => {
  const willChurn = (overrides: ReturnType<typeof override>[]) =>
    facts({ account: account({ lifecycleStage: 'will_churn' }), healthOverrides: overrides });
  it.each<[boolean, Color, string, 'will_churn' | null]>([
    [true, 'grey', 'will_churn', 'will_churn'],
    [false, 'red', 'manual_override', null],
  ])('willChurnBeatsOverride %s → %s (%s)', (beats, color, cause, suspendedBy) => {
    const cfg: PulseConfig = { ...config, willChurnBeatsOverride: beats };
    const card = computeScorecard(willChurn([override({ color: 'red' })]), AS_OF, cfg);
    expect([card.color, card.colorCause, card.overridden?.suspendedBy]).toEqual([color, cause, suspendedBy]);
    // either way the account stays out of health averages and the override is kept, not cleared
    expect(card.excludedFromHealthAverages).toBe(true);
    expect(card.overridden?.color).toBe('red');
    expect(summarizeAccount(willChurn([override({ color: 'red' })]), AS_OF, cfg).overridden).toBe(!beats);
  });

  it('applies again once the account is no longer will-churn', () => {
    const card = computeScorecard(facts({ healthOverrides: [override({ color: 'red' })] }), AS_OF, config);
    expect([card.color, card.colorCause, card.overridden?.suspendedBy]).toEqual([
      'red',
      'manual_override',
      null,
    ]);
  });
});

describe('bands KPIS.md does not give are Pulse’s own, all in config.ownBands', () => {
  const cards = Object.values(TEAM_VIEW_CARDS).flat();
  it.each<[string, keyof PulseConfig['ownBands']]>([
    ['accelerators_delivered', 'acceleratorDelivery'],
    ['green_success_plans', 'greenSuccessPlans'],
    ['cadence_coverage', 'cadenceCoverage'],
  ])('%s reads ownBands.%s', (key, band) => {
    const tuned: PulseConfig = {
      ...config,
      ownBands: { ...config.ownBands, [band]: { green: 0.5, yellow: 0.2 } },
    };
    const card = cards.find((c) => c.key === key)!;
    expect(card.bands(config)).toEqual(config.ownBands[band]);
    expect(card.bands(tuned)).toEqual({ green: 0.5, yellow: 0.2 });
  });
});
