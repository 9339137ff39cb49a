import { describe, expect, it } from 'vitest';
import {
  type AccountFacts,
  type AccountSummary,
  buildRenewalsView,
  buildTeamView,
  defaultConfig as config,
  type RenewalRow,
  type RenewalSort,
  renewalsCache,
  reportsOf,
  type Survey,
  sortRenewalRows,
  summarizeAccount,
} from '../src/index.js';
import { AS_OF, account, engagement, entry, facts, member, movement, renewal, usage } from './fixtures.js';

const members = [
  member({ id: 'mgr-1', role: 'manager' }),
  member({ id: 'mgr-2', role: 'manager', region: 'amer' }),
  member({ id: 'mgr-1a', role: 'manager', managerId: 'mgr-1' }),
  member({ id: 'csm-a', managerId: 'mgr-1' }),
  member({ id: 'csm-b', managerId: 'mgr-1a' }),
  member({ id: 'csm-c', managerId: 'mgr-2', region: 'amer' }),
  member({ id: 'cse-1', role: 'cse', managerId: 'mgr-1' }),
];

function org(
  id: string,
  csmId: string,
  overrides: Partial<AccountFacts> = {},
  acc: Parameters<typeof account>[0] = {},
) {
  const base = facts();
  return facts({
    account: account({ id, name: id, csmId, cseId: 'cse-1', aeId: null, rmId: null, ...acc }),
    usageSnapshots: [usage({ accountId: id, billableUsers: 80 })],
    timeline: [
      entry({ accountId: id, authorId: csmId, sentiment: 'green', personas: ['dev_lead', 'security_lead'] }),
    ],
    supportTickets: base.supportTickets,
    ...overrides,
  });
}

const surveys = (n: number, score: number): Survey[] =>
  Array.from({ length: n }, (_, i) => ({
    id: 1000 + i,
    accountId: 'acc-a',
    engagementId: 77,
    kind: 'csat' as const,
    sentOn: '2026-05-20',
    respondedOn: '2026-05-25',
    score,
  }));

function accounts(csatResponses = 4): AccountFacts[] {
  return [
    org('acc-a', 'csm-a', {
      ownerHistory: [
        { id: 1, accountId: 'acc-a', role: 'csm', memberId: 'csm-b', validFrom: '2025-01-01T00:00:00.000Z' },
        { id: 2, accountId: 'acc-a', role: 'csm', memberId: 'csm-a', validFrom: '2026-01-01T00:00:00.000Z' },
      ],
      arrMovements: [
        movement('new', 100_000_00, '2024-01-01'),
        movement('expansion', 20_000_00, '2026-03-01'),
      ],
      usageSnapshots: [usage({ accountId: 'acc-a', billableUsers: 95 })],
      renewals: [
        renewal({
          id: 501,
          accountId: 'acc-a',
          renewalDate: '2026-07-31',
          atrCents: 120_000_00,
          forecastCents: 130_000_00,
        }),
      ],
      engagements: [
        engagement({
          id: 77,
          accountId: 'acc-a',
          completedOn: '2026-05-20',
          docUpdates: [
            { id: 1, engagementId: 77, url: 'https://docs.example.test/a', updatedOn: '2026-05-21' },
          ],
          deliverables: [
            {
              id: 1,
              engagementId: 77,
              title: 'on time',
              dueDate: '2026-05-10',
              deliveredOn: '2026-05-09',
              status: 'delivered',
            },
            {
              id: 2,
              engagementId: 77,
              title: 'late',
              dueDate: '2026-05-10',
              deliveredOn: '2026-05-12',
              status: 'delivered',
            },
            {
              id: 3,
              engagementId: 77,
              title: 'overdue',
              dueDate: '2026-06-01',
              deliveredOn: null,
              status: 'open',
            },
            {
              id: 4,
              engagementId: 77,
              title: 'dropped',
              dueDate: '2026-06-01',
              deliveredOn: null,
              status: 'cancelled',
            },
            {
              id: 5,
              engagementId: 77,
              title: 'future',
              dueDate: '2026-07-01',
              deliveredOn: null,
              status: 'open',
            },
            {
              id: 6,
              engagementId: 77,
              title: 'last quarter',
              dueDate: '2026-04-30',
              deliveredOn: null,
              status: 'open',
            },
          ],
        }),
      ],
      surveys: surveys(csatResponses, 5),
    }),
    org(
      'acc-b',
      'csm-b',
      {
        arrMovements: [
          movement('new', 50_000_00, '2024-01-01'),
          movement('contraction', 10_000_00, '2026-04-01'),
        ],
        renewals: [
          renewal({
            id: 502,
            accountId: 'acc-b',
            renewalDate: '2026-09-01',
            atrCents: 40_000_00,
            forecastCents: 0,
            riskCategory: 'will_churn',
          }),
        ],
      },
      { lifecycleStage: 'will_churn' },
    ),
    org('acc-c', 'csm-a', {
      arrMovements: [movement('new', 200_000_00, '2024-01-01')],
      timeline: [
        entry({
          accountId: 'acc-c',
          authorId: 'csm-a',
          sentiment: 'green',
          occurredAt: '2026-05-01T10:00:00.000Z',
          personas: ['dev_lead', 'security_lead'],
        }),
        entry({
          accountId: 'acc-c',
          authorId: 'csm-a',
          sentiment: 'red',
          occurredAt: '2026-06-12T10:00:00.000Z',
        }),
      ],
      renewals: [
        renewal({
          id: 503,
          accountId: 'acc-c',
          renewalDate: '2026-08-14',
          atrCents: 200_000_00,
          forecastCents: 150_000_00,
          riskCategory: 'will_contract',
        }),
      ],
    }),
    org(
      'acc-d',
      'csm-c',
      {
        arrMovements: [movement('new', 30_000_00, '2024-01-01'), movement('churn', 30_000_00, '2025-12-01')],
      },
      { lifecycleStage: 'churned', region: 'amer' },
    ),
    org(
      'acc-e',
      'csm-b',
      { arrMovements: [movement('new', 40_000_00, '2026-03-01')] },
      { contractStart: '2026-03-01' },
    ),
  ];
}

const summarize = (list: AccountFacts[]): AccountSummary[] =>
  list.map((f) => summarizeAccount(f, AS_OF, config));

describe('account summary', () => {
  it('carries ARR now and 12 months ago, owners at t0 and turned-red facts', () => {
    const [a, , c] = summarize(accounts());
    expect([a!.arrNowCents, a!.arr12MonthsAgoCents]).toEqual([120_000_00, 100_000_00]);
    expect(a!.ownersAt12MonthsAgo.csm).toBe('csm-b');
    expect(a!.owners.csm).toBe('csm-a');
    expect([c!.healthColor, c!.colorSevenDaysAgo, c!.turnedRedThisWeek, c!.turnedRedCause]).toEqual([
      'red',
      'green',
      true,
      'sentiment_override',
    ]);
    expect(Object.keys(a!.history)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      AS_OF,
    ]);
  });
});

describe('scope', () => {
  it('finds reports transitively', () => {
    expect(
      reportsOf('mgr-1', members)
        .map((m) => m.id)
        .sort(),
    ).toEqual(['cse-1', 'csm-a', 'csm-b', 'mgr-1a']);
  });
});

describe('CSM team view', () => {
  const summaries = summarize(accounts());

  it('attributes retention to the owner at t0 and keeps will_churn accounts in it', () => {
    const all = buildTeamView('csm', summaries, members, {}, AS_OF, config);
    expect(all.cards.nrr!.value).toBeCloseTo(360 / 380, 12);
    expect(all.cards.grr!.value).toBeCloseTo(340 / 380, 12);
    expect(all.cards.grr!.color).toBe('yellow');
    expect(all.cards.nrr!.color).toBe('red');
    expect(all.cards.grr!.accountIds.sort()).toEqual(['acc-a', 'acc-b', 'acc-c', 'acc-d']);

    const b = buildTeamView('csm', summaries, members, { owner: 'csm-b' }, AS_OF, config);
    expect(b.cards.grr!.accountIds.sort()).toEqual(['acc-a', 'acc-b']);
    expect(b.cards.grr!.value).toBeCloseTo(140 / 150, 12);
    expect(b.cards.nrr!.value).toBeCloseTo(160 / 150, 12);
    expect(b.cards.book_arr!.accountIds.sort()).toEqual(['acc-b', 'acc-e']);
  });

  it('leaves will_churn accounts out of the average health score', () => {
    const view = buildTeamView('csm', summaries, members, {}, AS_OF, config);
    const byId = new Map(summaries.map((s) => [s.accountId, s]));
    const ids = ['acc-a', 'acc-c', 'acc-e'];
    const mean = ids.reduce((sum, id) => sum + byId.get(id)!.healthScore!, 0) / ids.length;
    expect(view.cards.average_health!.accountIds.sort()).toEqual(ids);
    expect(view.cards.average_health!.value).toBeCloseTo(mean, 2);
  });

  it('shows the health distribution without churned accounts, will_churn as grey, and who turned red', () => {
    const view = buildTeamView('csm', summaries, members, {}, AS_OF, config);
    const d = view.healthDistribution;
    expect(d.totalCount).toBe(4);
    expect(d.colors.green.accountIds.sort()).toEqual(['acc-a', 'acc-e']);
    expect(d.colors.grey.accountIds).toEqual(['acc-b']);
    expect(d.colors.red.accountIds).toEqual(['acc-c']);
    expect(d.turnedRedThisWeek).toEqual(['acc-c']);
    expect(d.colors.red.arrShare).toBeCloseTo(200 / 400, 12);
  });

  it('scopes a manager to the books of everyone reporting to them, transitively', () => {
    const view = buildTeamView('csm', summaries, members, { manager: 'mgr-1' }, AS_OF, config);
    expect(view.accountCount).toBe(4);
    expect(Object.keys(view.leaderboard).sort()).toEqual(['csm-a', 'csm-b']);
    const other = buildTeamView('csm', summaries, members, { manager: 'mgr-2' }, AS_OF, config);
    expect(other.accountCount).toBe(0);
    expect(Object.keys(other.leaderboard)).toEqual(['csm-c']);
  });

  it('builds a leaderboard with each owner’s book KPIs and book-ARR target', () => {
    const view = buildTeamView('csm', summaries, members, {}, AS_OF, config);
    const a = view.leaderboard['csm-a']!;
    expect(a.accountCount).toBe(2);
    expect(a.cards.book_arr).toMatchObject({ value: 320_000_00, target: 500_000_000, color: 'red' });
    expect(view.leaderboard['csm-c']!.accountCount).toBe(0);
  });

  it('computes net ARR for the fiscal quarter and a waterfall by quarter', () => {
    const view = buildTeamView('csm', summaries, members, {}, AS_OF, config);
    // FY27-Q2 (May–Jul 2026) has no movement; FY27-Q1 has +20k expansion, −10k contraction, +40k new.
    expect(view.cards.net_arr!.value).toBe(0);
    expect(view.netArrWaterfall.quarters['FY27-Q1']).toMatchObject({
      newCents: 40_000_00,
      expansionCents: 20_000_00,
      contractionCents: 10_000_00,
      netCents: 50_000_00,
      growthNetCents: 10_000_00,
    });
    expect(view.netArrWaterfall.quarters['FY26-Q4']!.churnCents).toBe(30_000_00);
  });

  it('gives trend series ending at asOf with the headline value', () => {
    const view = buildTeamView('csm', summaries, members, {}, AS_OF, config);
    const trend = view.cards.grr!.trend;
    expect(trend).toHaveLength(config.trendPoints);
    expect(trend.at(-1)).toEqual({ date: AS_OF, value: view.cards.grr!.value });
    // plan colour has no history: only the current point is honest
    expect(view.cards.green_success_plans!.trend.map((p) => p.date)).toEqual([AS_OF]);
  });

  it('fills the adoption matrix and plan funnel over live accounts', () => {
    const view = buildTeamView('csm', summaries, members, {}, AS_OF, config);
    const ci = view.adoptionMatrix.ci;
    expect(ci.green.count + ci.yellow.count + ci.red.count + ci.grey.count).toBe(4);
    expect(view.planFunnel.statuses.active_green).toBe(4);
  });
});

describe('CSE team view', () => {
  it('counts deliverables on time (late and overdue are misses, cancelled and future excluded)', () => {
    const view = buildTeamView('cse', summarize(accounts()), members, {}, AS_OF, config);
    expect(view.cards.deliverables_on_time).toMatchObject({ value: 1 / 3, color: 'red' });
    expect(view.cards.docs_per_engagement).toMatchObject({ value: 1, color: 'green' });
    expect(view.cards.cse_green_plans_with_milestones).toMatchObject({ value: 0, color: 'red' });
    expect(view.cards.arr_engaged!.value).toBeCloseTo(120 / 400, 12);
  });

  it('greys CSAT below 5 responses', () => {
    const four = buildTeamView('cse', summarize(accounts(4)), members, {}, AS_OF, config);
    expect(four.cards.csat).toMatchObject({ value: null, color: 'grey' });
    const five = buildTeamView('cse', summarize(accounts(5)), members, {}, AS_OF, config);
    expect(five.cards.csat).toMatchObject({ value: 1, color: 'green' });
    expect(five.cards.csat!.detail.responseRate).toBe(1);
  });

  it('lists CSEs on the leaderboard', () => {
    const view = buildTeamView('cse', summarize(accounts()), members, {}, AS_OF, config);
    expect(Object.keys(view.leaderboard)).toEqual(['cse-1']);
    expect(view.leaderboard['cse-1']!.accountCount).toBe(4);
  });
});

describe('CSA team view', () => {
  it('adds accelerator cards to the CSM set', () => {
    const view = buildTeamView('csa', summarize(accounts()), members, {}, AS_OF, config);
    expect(view.cards.grr).toBeDefined();
    // advanced tier: 2 accelerators a year entitled, none delivered; overdue 120 days after the
    // contract start, which acc-e (started 2026-03-01) has not reached yet
    expect(view.cards.accelerators_delivered).toMatchObject({ value: 0, color: 'red' });
    expect(view.cards.accelerators_delivered!.detail.overdue).toBe(3);
  });
});

describe('renewals view', () => {
  const summaries = summarize(accounts());

  it('lists open renewals of the next two fiscal quarters sorted by ARR at risk', () => {
    const view = buildRenewalsView(summaries, members, {}, AS_OF, config);
    expect(view.windowEnd).toBe('2026-10-31');
    expect(view.order).toEqual(['503', '502', '501']);
    expect(view.rows['503']).toMatchObject({
      forecastColor: 'red',
      arrAtRiskCents: 50_000_00,
      netArrAtStakeCents: -50_000_00,
      healthColor: 'red',
      daysToRenewal: 60,
    });
    expect(view.rows['502']!.arrAtRiskCents).toBe(40_000_00);
    expect(view.redWithin120Days).toEqual(['acc-c']);
    expect(view.expansionCandidates).toEqual(['acc-a']);
    // Both lists name their accounts, which may renew outside the window.
    expect(Object.keys(view.listedAccounts).sort()).toEqual(['acc-a', 'acc-c']);
    expect(view.listedAccounts['acc-c']).toMatchObject({
      accountId: 'acc-c',
      nextRenewalDate: expect.any(String),
    });
  });

  it('honours a window in days', () => {
    const view = buildRenewalsView(summaries, members, { days: 60 }, AS_OF, config);
    expect(view.order).toEqual(['503', '501']);
  });

  it('rebuilt with a cache after one account is rescored, equals a fresh build and keeps the other rows', () => {
    const cache = renewalsCache();
    const first = buildRenewalsView(summaries, members, {}, AS_OF, config, cache);
    const rescored = summaries.map((s) =>
      s.accountId === 'acc-a' ? { ...s, healthScore: 41, healthColor: 'red' as const } : s,
    );
    const again = buildRenewalsView(rescored, members, { days: 60 }, AS_OF, config, cache);
    expect(again).toEqual(buildRenewalsView(rescored, members, { days: 60 }, AS_OF, config));
    expect(again.rows['503']?.accountId).toBe('acc-c');
    expect(again.rows['503']).toBe(first.rows['503']);
    expect(again.rows['501']).toMatchObject({ accountId: 'acc-a', healthColor: 'red' });
    const nextDay = buildRenewalsView(rescored, members, {}, '2026-06-16', config, cache);
    expect(nextDay).toEqual(buildRenewalsView(rescored, members, {}, '2026-06-16', config));
  });

  it.each<[RenewalSort, (row: RenewalRow) => number | string]>([
    ['risk', (row) => -row.arrAtRiskCents],
    ['date', (row) => row.renewalDate],
    ['atr', (row) => -row.atrCents],
  ])('sorts the rows by %s as the screen and its export both do', (sort, key) => {
    const view = buildRenewalsView(summaries, members, {}, AS_OF, config);
    const rows = view.order.map((id) => view.rows[id]!);
    const sorted = sortRenewalRows(rows, sort);
    expect(sorted.map(key)).toEqual(rows.map(key).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(rows.map((row) => row.renewalId)).toEqual(view.order.map(Number));
  });
});
