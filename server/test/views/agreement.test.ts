import {
  type AccountSummary,
  buildRenewalsView,
  buildTeamView,
  COLORS,
  defaultConfig,
  MEASURE_KEYS,
  type ScopeFilters,
  summarizeAccount,
  type TeamMember,
} from '@pulse/domain';
import { parseTopic } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeedReader } from '../../src/changes/change-feed-reader.service.js';
import { SimulatorService } from '../../src/demo/simulator.service.js';
import { FactsRepository } from '../../src/facts/facts.repository.js';
import { ScoresRepository } from '../../src/scoring/scores.repository.js';
import { ViewsService } from '../../src/views/views.service.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';

/** Writes through the simulator before comparing, so the incremental path has work to get right. */
const SIMULATED_WRITES = 60;

/**
 * Two implementations agree (issue 2, point 7): the API serves views built from the summaries the
 * live pipeline stored — scored at start-up, then rescored incrementally after each write — and
 * a cold computation loads every fact row into memory and runs the domain engine from scratch.
 */
describe.each(TEST_DRIVERS)('API views equal a cold recomputation from every row, on %s', (driver) => {
  let pulse: TestApp;
  let members: TeamMember[];
  let coldSummaries: AccountSummary[];
  let filterCases: [string, ScopeFilters][];
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    pulse = await startTestApp(driver, { demoAccounts: 300 });
    const simulator = pulse.app.get(SimulatorService);
    for (let i = 0; i < SIMULATED_WRITES; i++) await simulator.writeOnce();
    const reader = pulse.app.get(ChangeFeedReader);
    await reader.readNow();
    await reader.readNow();

    const facts = new FactsRepository(pulse.database.db);
    const stored = await new ScoresRepository(pulse.database.db).loadScorecards(await facts.listAccountIds());
    members = await facts.listTeamMembers();
    const { facts: allFacts } = await facts.loadAccountFacts(await facts.listAccountIds());
    // Each account at the instant its stored score was computed: only the path differs, not the clock.
    coldSummaries = allFacts.map((accountFacts) => {
      const asOf = stored.get(accountFacts.account.id)?.asOf ?? '';
      return summarizeAccount(accountFacts, asOf, defaultConfig);
    });
    const manager = members.find((member) => member.role === 'manager');
    const csm = members.find((member) => member.role === 'csm');
    filterCases = [
      ['everything', {}],
      ['region=emea', { region: 'emea' }],
      ['segment=enterprise&tier=signature', { segment: 'enterprise', tier: 'signature' }],
      [`manager=${manager?.id}`, { manager: manager?.id }],
      [`owner=${csm?.id}`, { owner: csm?.id }],
    ];
  }, 300_000);

  afterAll(async () => {
    await pulse?.stop();
  });

  const query = (filters: ScopeFilters) =>
    new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => !!entry[1]));

  it('stores for every account the summary a cold computation gives', async () => {
    const stored = await new ScoresRepository(pulse.database.db).loadSummaries();
    const byId = new Map(stored.map((summary) => [summary.accountId, summary]));
    expect(stored).toHaveLength(coldSummaries.length);
    for (const cold of coldSummaries) expect(byId.get(cold.accountId)).toEqual(cold);
  });

  for (const view of ['cse', 'csm', 'csa'] as const) {
    it(`/api/kpis/${view} equals the domain engine over all rows, for every filter`, async () => {
      for (const [, filters] of filterCases) {
        const api = await pulse.get(`/api/kpis/${view}?${query(filters)}`);
        expect(api.status).toBe(200);
        const cold = buildTeamView(view, coldSummaries, members, filters, today, defaultConfig);
        expect(api.body).toEqual(JSON.parse(JSON.stringify(cold)));
      }
    });
  }

  it('/api/kpis/renewals equals the domain engine over all rows', async () => {
    for (const days of [90, 180, 365]) {
      for (const [, filters] of filterCases) {
        const api = await pulse.get(`/api/kpis/renewals?days=${days}&${query(filters)}`);
        expect(api.status).toBe(200);
        const cold = buildRenewalsView(coldSummaries, members, { days, filters }, today, defaultConfig);
        expect(api.body).toEqual(JSON.parse(JSON.stringify(cold)));
      }
    }
  });

  it('builds every topic as plain JSON, which the hub publishes as built', async () => {
    const views = pulse.app.get(ViewsService);
    const [accountId] = await new FactsRepository(pulse.database.db).listAccountIds();
    for (const key of [
      'team:csm?region=emea',
      'renewals',
      'renewals?days=90&segment=enterprise',
      'changes',
      'changes?region=emea',
      `account:${accountId}`,
    ]) {
      const parsed = parseTopic(key);
      if (!parsed.ok) throw new Error(`${key}: ${parsed.error.message}`);
      const state = await views.load(parsed.topic);
      // Strict: a Date, an undefined member or a class instance would each differ from their JSON.
      expect(state, key).toStrictEqual(JSON.parse(JSON.stringify(state)));
    }
  });

  it('reloads a scoped topic only for a batch that touches an account of its scope', async () => {
    const views = pulse.app.get(ViewsService);
    const emea = views.summariesInScope({ region: 'emea' });
    const elsewhere = views.summariesInScope({}).find((summary) => summary.region !== 'emea');
    const batch = (accountId: string) => ({
      accountIds: new Set([accountId]),
      memberIds: new Set<string>(),
      global: false,
      at: new Date().toISOString(),
    });
    for (const key of ['renewals?region=emea', 'changes?region=emea', 'renewals']) {
      const parsed = parseTopic(key);
      if (!parsed.ok) throw new Error(`${key}: ${parsed.error.message}`);
      expect(views.affectedBy(parsed.topic, batch(emea[0]!.accountId)), key).toBe(true);
      expect(views.affectedBy(parsed.topic, batch(elsewhere!.accountId)), key).toBe(key === 'renewals');
    }
  });

  it('the demo organisation shows every colour of every measure', async () => {
    const facts = new FactsRepository(pulse.database.db);
    const cards = await new ScoresRepository(pulse.database.db).loadScorecards(await facts.listAccountIds());
    for (const key of MEASURE_KEYS) {
      const seen = new Set([...cards.values()].map((card) => card.measures[key].color));
      expect([...seen].sort(), key).toEqual([...COLORS].sort());
    }
  });
});
