import { describe, expect, it } from 'vitest';
import {
  bookOf,
  buildTeamView,
  CARD_GUIDES,
  defaultConfig,
  drillDown,
  formatThreshold,
  kpiHelp,
  MEASURE_INPUT_LABELS,
  MEASURE_KEYS,
  type PulseConfig,
  TEAM_VIEW_CARDS,
  type TeamViewKind,
} from '../src/index.js';
import { AS_OF } from './fixtures.js';
import { accountId, Random, randomMembers, randomSummary } from './random-organisation.js';

const VIEWS = Object.keys(TEAM_VIEW_CARDS) as TeamViewKind[];
const random = new Random(13);
const members = randomMembers(random, 3);
const summaries = Array.from({ length: 120 }, (_, i) => randomSummary(random, accountId(i), members));

describe('KPI help generated from the configuration', () => {
  it('explains every card of every view and every scorecard measure', () => {
    const help = kpiHelp(defaultConfig);
    const cardKeys = new Set(VIEWS.flatMap((view) => TEAM_VIEW_CARDS[view].map((c) => c.key)));
    expect(help.cards.map((card) => card.key).sort()).toEqual([...cardKeys].sort());
    expect(help.measures.map((measure) => measure.key)).toEqual([...MEASURE_KEYS]);
    for (const text of [...help.cards, ...help.measures].flatMap((h) => [
      h.definition,
      h.colorRule,
      h.source,
    ]))
      expect(text.length).toBeGreaterThan(10);
  });

  it.each([
    [
      'green_success_plans',
      (c: PulseConfig) => ({
        ...c,
        ownBands: { ...c.ownBands, greenSuccessPlans: { green: 0.8, yellow: 0.6 } },
      }),
      '80 %',
      '60 %',
    ],
    ['grr', (c: PulseConfig) => ({ ...c, grr: { green: 0.95, yellow: 0.9 } }), '95 %', '90 %'],
    ['average_health', (c: PulseConfig) => ({ ...c, scoreBands: { green: 70, yellow: 40 } }), '70', '40'],
    [
      'time_to_engage',
      (c: PulseConfig) => ({ ...c, timeToEngage: { greenMaxDays: 10, yellowMaxDays: 20 } }),
      '≤ 10 days',
      '20 days',
    ],
  ])('%s: target and bands follow a changed configuration', (key, change, target, yellow) => {
    const before = kpiHelp(defaultConfig).cards.find((card) => card.key === key)!;
    const after = kpiHelp(change(defaultConfig)).cards.find((card) => card.key === key)!;
    expect(after.target).toBe(target);
    expect(after.colorRule).toContain(yellow);
    expect(after.colorRule).not.toBe(before.colorRule);
  });

  it('a card with bands states the green threshold the engine colours by', () => {
    for (const view of VIEWS) {
      for (const def of TEAM_VIEW_CARDS[view]) {
        const bands = def.bands(defaultConfig);
        if (!bands) continue;
        const help = kpiHelp(defaultConfig).cards.find((card) => card.key === def.key)!;
        expect(help.target, def.key).toBe(formatThreshold(bands.green, def.unit));
        expect(help.colorRule, def.key).toContain(formatThreshold(bands.yellow, def.unit));
      }
    }
  });

  it('names every measure input in words', () => {
    expect(MEASURE_INPUT_LABELS.deploying_users_share).toEqual({ label: 'Users deploying', unit: 'share' });
    expect(MEASURE_INPUT_LABELS.dev_lead?.unit).toBe('yes_no');
  });
});

describe('drill-downs', () => {
  it.each(VIEWS)('%s: every card lists exactly its accounts, those missing the target first', (view) => {
    const team = buildTeamView(view, summaries, members, {}, AS_OF, defaultConfig);
    for (const card of Object.values(team.cards)) {
      const drill = drillDown(
        view,
        { kind: 'card', key: card.key },
        summaries,
        members,
        {},
        AS_OF,
        defaultConfig,
      );
      expect(drill.rows.map((row) => row.accountId).sort(), card.key).toEqual([...card.accountIds].sort());
      const firstMet = drill.rows.findIndex((row) => !row.misses);
      const lastMiss = drill.rows.findLastIndex((row) => row.misses);
      expect(firstMet === -1 || lastMiss < firstMet, `${card.key}: misses first`).toBe(true);
      expect(drill.misses).toBe(drill.rows.filter((row) => row.misses).length);
      expect(CARD_GUIDES[card.key]!.column.label).toBe(drill.column.label);
    }
  });

  it('green success plans: the accounts missing are exactly those whose plan is not green, shown by plan colour', () => {
    const drill = drillDown(
      'csm',
      { kind: 'card', key: 'green_success_plans' },
      summaries,
      members,
      {},
      AS_OF,
      defaultConfig,
    );
    const byId = new Map(summaries.map((s) => [s.accountId, s]));
    for (const row of drill.rows) {
      expect(row.value).toBe(byId.get(row.accountId)!.plan.color);
      expect(row.misses).toBe(row.value !== 'green');
    }
    expect(drill.misses).toBeGreaterThan(0);
  });

  it('a leaderboard cell lists the member’s accounts of that card', () => {
    const team = buildTeamView('csm', summaries, members, {}, AS_OF, defaultConfig);
    const [memberId, entry] = Object.entries(team.leaderboard)[0]!;
    const drill = drillDown(
      'csm',
      { kind: 'card', key: 'average_health', member: memberId },
      summaries,
      members,
      {},
      AS_OF,
      defaultConfig,
    );
    // The row counts its accounts; the drill-down lists them: the member's accounts the card averages.
    expect(drill.rows).toHaveLength(entry.cards.average_health!.accountCount);
    const book = new Set(bookOf(memberId, summaries).map((s) => s.accountId));
    for (const row of drill.rows) expect(book.has(row.accountId)).toBe(true);
  });

  it('a chart part lists the accounts it counts', () => {
    const team = buildTeamView('csm', summaries, members, {}, AS_OF, defaultConfig);
    const cell = drillDown(
      'csm',
      { kind: 'adoption', useCase: 'ci', color: 'red' },
      summaries,
      members,
      {},
      AS_OF,
      defaultConfig,
    );
    expect(cell.rows).toHaveLength(team.adoptionMatrix.ci.red.count);
    const funnel = drillDown(
      'csm',
      { kind: 'plan', status: 'active_red' },
      summaries,
      members,
      {},
      AS_OF,
      defaultConfig,
    );
    expect(funnel.rows).toHaveLength(team.planFunnel.statuses.active_red);
    const quarter = team.netArrWaterfall.order.at(-1)!;
    const moved = drillDown(
      'csm',
      { kind: 'waterfall', quarter },
      summaries,
      members,
      {},
      AS_OF,
      defaultConfig,
    );
    const net = moved.rows.reduce((sum, row) => sum + (row.value as number), 0);
    expect(net).toBe(team.netArrWaterfall.quarters[quarter]!.netCents);
  });
});
