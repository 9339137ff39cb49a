import { MEASURE_KEYS, type RenewalsView, type TeamMember, type TeamView } from '@pulse/domain';
import type { AccountDetail, AccountListPage } from '@pulse/protocol';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeedReader } from '../../src/changes/change-feed-reader.service.js';
import { startTestApp, TEST_DEMO_ACCOUNTS, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';

/** The CSM view's cards, KPIS.md §7. */
const CSM_CARDS = [
  'average_health',
  'green_success_plans',
  'ebr_coverage',
  'ebrs_delivered',
  'cadence_coverage',
  'time_to_engage',
  'time_to_first_value',
  'time_to_onboard',
  'primary_use_case_adoption',
  'use_case_expansion',
  'platform_adoption',
  'grr',
  'nrr',
  'net_arr',
  'growth_net_arr',
  'renewal_rate',
  'stale_sentiment',
  'book_arr',
];
const CSE_CARDS = [
  'cse_green_plans_with_milestones',
  'deliverables_on_time',
  'csat',
  'docs_per_engagement',
  'engaged_primary_use_case_adoption',
  'arr_engaged',
  'program_reach',
];
const CSA_EXTRA_CARDS = ['accelerators_delivered', 'accelerator_deliverables_on_time'];

interface ErrorBody {
  error: { code: string; field?: string; message: string };
}

describe.each(TEST_DRIVERS)('read API on %s with the demo organisation', (driver) => {
  let pulse: TestApp;

  beforeAll(async () => {
    pulse = await startTestApp(driver);
  }, 180_000);

  afterAll(async () => {
    await pulse?.stop();
  });

  it('reports itself ready: database reachable, migrations applied', async () => {
    const { status, body } = await pulse.get<{ status: string; database: { driver: string } }>('/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      database: { driver, reachable: true, pendingMigrations: [] },
    });
  });

  it('returns every CSM card with value, colour, target, trend and the accounts behind it', async () => {
    const { status, body } = await pulse.get<TeamView>('/api/kpis/csm');
    expect(status).toBe(200);
    expect(Object.keys(body.cards).sort()).toEqual([...CSM_CARDS].sort());
    for (const card of Object.values(body.cards)) {
      expect(['green', 'yellow', 'red', 'grey']).toContain(card.color);
      expect(Array.isArray(card.trend)).toBe(true);
      expect(Array.isArray(card.accountIds)).toBe(true);
    }
    expect(body.accountCount).toBe(TEST_DEMO_ACCOUNTS);
    const colors = body.healthDistribution.colors;
    expect(colors.green.count + colors.yellow.count + colors.red.count + colors.grey.count).toBe(
      body.healthDistribution.totalCount,
    );
    expect(Object.keys(body.leaderboard).length).toBeGreaterThan(0);
    expect(body.netArrWaterfall.order.length).toBeGreaterThan(0);
  });

  it('returns the CSE cards and the CSA set (the CSM set plus accelerators)', async () => {
    const cse = await pulse.get<TeamView>('/api/kpis/cse');
    expect(Object.keys(cse.body.cards).sort()).toEqual([...CSE_CARDS].sort());
    const csa = await pulse.get<TeamView>('/api/kpis/csa');
    expect(Object.keys(csa.body.cards).sort()).toEqual([...CSM_CARDS, ...CSA_EXTRA_CARDS].sort());
  });

  it('narrows a view to a region: the same accounts the account list shows for it', async () => {
    const view = await pulse.get<TeamView>('/api/kpis/csm?region=emea');
    const list = await pulse.get<AccountListPage>('/api/accounts?region=emea&limit=500');
    expect(view.status).toBe(200);
    expect(view.body.accountCount).toBe(list.body.total);
    expect(view.body.accountCount).toBeLessThan(TEST_DEMO_ACCOUNTS);
  });

  it('lists renewals in the window, sorted by ARR at risk', async () => {
    const { status, body } = await pulse.get<RenewalsView>('/api/kpis/renewals?days=180');
    expect(status).toBe(200);
    const atRisk = body.order.map((id) => body.rows[id]?.arrAtRiskCents ?? Number.NaN);
    expect(atRisk.length).toBeGreaterThan(0);
    expect(atRisk).toEqual([...atRisk].sort((a, b) => b - a));
    for (const row of Object.values(body.rows)) expect(row.daysToRenewal).toBeLessThanOrEqual(180);
  });

  it.each([
    ['/api/kpis/csm?regoin=emea', 'regoin', 'unknown_parameter'],
    ['/api/kpis/csm?region=mars', 'region', 'invalid_parameter'],
    ['/api/kpis/csm?region=emea&region=apac', 'region', 'invalid_parameter'],
    ['/api/kpis/sales', 'view', 'invalid_parameter'],
    ['/api/kpis/csm?days=30', 'days', 'invalid_parameter'],
    ['/api/kpis/renewals?days=0', 'days', 'invalid_parameter'],
    ['/api/kpis/csm?owner=tm-nobody', 'owner', 'invalid_parameter'],
    ['/api/kpis/cse?manager=tm-nobody', 'manager', 'invalid_parameter'],
    ['/api/kpis/renewals?owner=tm-nobody', 'owner', 'invalid_parameter'],
    ['/api/accounts?limit=0', 'limit', 'invalid_parameter'],
    ['/api/accounts?sort=size', 'sort', 'invalid_parameter'],
    ['/api/accounts?cursor=not-a-cursor', 'cursor', 'invalid_parameter'],
    ['/api/accounts?role=csm', 'role', 'invalid_parameter'],
  ])('rejects %s with 400 naming %s', async (path, field, code) => {
    const { status, body } = await pulse.get<ErrorBody>(path);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code, field });
    expect(body.error.message).toContain(field);
  });

  it('answers 404 for an account that does not exist', async () => {
    const { status, body } = await pulse.get<ErrorBody>('/api/accounts/acc-nope');
    expect(status).toBe(404);
    expect(body.error.code).toBe('not_found');
  });

  it('pages through every account with a cursor, in order, without repeats', async () => {
    const seen: string[] = [];
    const arr: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/accounts?sort=-arr&limit=37${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await pulse.get<AccountListPage>(query);
      expect(status).toBe(200);
      expect(body.total).toBe(TEST_DEMO_ACCOUNTS);
      seen.push(...body.items.map((item) => item.id));
      arr.push(...body.items.map((item) => item.arrCents));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(TEST_DEMO_ACCOUNTS);
    expect(new Set(seen).size).toBe(TEST_DEMO_ACCOUNTS);
    expect(arr).toEqual([...arr].sort((a, b) => b - a));
  });

  it("filters accounts by an owner's role and by health colour", async () => {
    const members = (await pulse.get<{ members: TeamMember[] }>('/api/team-members')).body.members;
    const csm = members.find((member) => member.role === 'csm');
    expect(csm).toBeDefined();
    const book = await pulse.get<AccountListPage>(`/api/accounts?owner=${csm?.id}&role=csm&limit=500`);
    expect(book.body.total).toBeGreaterThan(0);
    for (const item of book.body.items) expect(item.owners.csm).toBe(csm?.id);
    const red = await pulse.get<AccountListPage>('/api/accounts?color=red&limit=500');
    expect(red.body.total).toBeGreaterThan(0);
    for (const item of red.body.items) expect(item.healthColor).toBe('red');
  });

  it('lists exactly the accounts behind a KPI card', async () => {
    const card = (await pulse.get<TeamView>('/api/kpis/csm')).body.cards.green_success_plans;
    const ids = card?.accountIds.slice(0, 25) ?? [];
    expect(ids.length).toBeGreaterThan(0);
    const { body } = await pulse.get<AccountListPage>(`/api/accounts?ids=${ids.join(',')}&limit=500`);
    expect(body.items.map((item) => item.id).sort()).toEqual([...ids].sort());
  });

  it('explains an account measure by measure, with its plan, ARR history and renewals', async () => {
    const first = (await pulse.get<AccountListPage>('/api/accounts?sort=-arr&limit=1')).body.items[0];
    const { status, body } = await pulse.get<AccountDetail>(`/api/accounts/${first?.id}`);
    expect(status).toBe(200);
    expect(Object.keys(body.scorecard.measures).sort()).toEqual([...MEASURE_KEYS].sort());
    for (const measure of Object.values(body.scorecard.measures))
      expect(measure.reason.length).toBeGreaterThan(0);
    expect(body.arrHistory.at(-1)?.arrCents).toBe(first?.arrCents);
    expect(body.account.id).toBe(first?.id);
  });

  it('lists the organisation, with a management chain', async () => {
    const { body } = await pulse.get<{ members: TeamMember[] }>('/api/team-members');
    const roles = new Set(body.members.map((member) => member.role));
    for (const role of ['cse', 'csm', 'csa', 'ae', 'rm', 'manager']) expect(roles).toContain(role);
    expect(body.members.some((member) => member.managerId !== null)).toBe(true);
  });

  it('finds accounts by any three letters of their name, ignoring case and accents, prefixes first', async () => {
    const all = (await pulse.get<AccountListPage>('/api/accounts?limit=500')).body.items;
    const target = all.find(
      (item) => /^\S+\s/.test(item.name) && item.name.split(' ')[0]!.length >= 5,
    ) as (typeof all)[number];
    const middle = target.name.slice(1, 4).toUpperCase();
    const found = (await pulse.get<AccountListPage>(`/api/accounts?q=${encodeURIComponent(middle)}`)).body
      .items;
    expect(found.map((item) => item.id)).toContain(target.id);
    const fold = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
    const expected = all.filter((item) => fold(item.name).includes(fold(middle))).map((item) => item.id);
    expect(found.map((item) => item.id).sort()).toEqual(expected.sort());
    const prefix = (
      await pulse.get<AccountListPage>(`/api/accounts?q=${encodeURIComponent(target.name.slice(0, 3))}`)
    ).body.items;
    expect(prefix[0]?.name.toLowerCase().startsWith(target.name.slice(0, 3).toLowerCase())).toBe(true);

    await sql`update accounts set name = 'Société Générale Ærø' where id = ${target.id}`.execute(
      pulse.database.db,
    );
    // Scored and in the views before anything reads lists again: else the rename can land between
    // two reads of a later test (seen once in CI, the export test's list and CSV disagreeing).
    const reader = pulse.app.get(ChangeFeedReader);
    await reader.readNow();
    await reader.readNow();
    for (const text of ['societe', 'GÉNÉ', 'ERAL', 'été g']) {
      const { body } = await pulse.get<AccountListPage>(`/api/accounts?q=${encodeURIComponent(text)}`);
      expect(body.items.map((item) => item.id)).toContain(target.id);
    }
    const wildcard = await pulse.get<AccountListPage>('/api/accounts?q=%25%25%25');
    expect(wildcard.body.items).toEqual([]);
    const empty = await pulse.get<{ error: { field: string } }>('/api/accounts?q=%20');
    expect([empty.status, empty.body.error.field]).toEqual([400, 'q']);
  });

  it('exports lists as CSV with the rows the API gives for the same filters', async () => {
    const csv = async (path: string) => {
      const response = await pulse.fetch(path);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      return parse(await response.text(), { bom: true, columns: true }) as Record<string, string>[];
    };
    const api = (await pulse.get<AccountListPage>('/api/accounts?region=emea&sort=-arr&limit=500')).body
      .items;
    const accounts = await csv('/api/export/accounts.csv?region=emea&sort=-arr');
    expect(accounts.map((row) => [row['Account ID'], row.Account, row.ARR, row.Health])).toEqual(
      api.map((item) => [item.id, item.name, (item.arrCents / 100).toFixed(2), item.healthColor]),
    );
    const renewals = (await pulse.get<RenewalsView>('/api/kpis/renewals?days=365&segment=enterprise')).body;
    const exported = await csv('/api/export/renewals.csv?days=365&segment=enterprise');
    expect(exported.map((row) => [row['Account ID'], row['ARR at risk']])).toEqual(
      renewals.order.map((id) => [
        renewals.rows[id]?.accountId,
        ((renewals.rows[id]?.arrAtRiskCents ?? 0) / 100).toFixed(2),
      ]),
    );
    const team = (await pulse.get<TeamView>('/api/kpis/csm?region=amer')).body;
    const leaderboard = await csv('/api/export/leaderboard/csm.csv?region=amer');
    expect(leaderboard.map((row) => row.Owner).sort()).toEqual(
      Object.values(team.leaderboard)
        .map((e) => e.member.name)
        .sort(),
    );
    const card = (await pulse.get<TeamView>('/api/kpis/csm')).body.cards.book_arr;
    const posted = await pulse.fetch('/api/export/accounts.csv', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: card?.accountIds }),
    });
    const drill = parse(await posted.text(), { bom: true, columns: true }) as Record<string, string>[];
    const listed = (
      await pulse.get<AccountListPage>(
        `/api/accounts?ids=${card?.accountIds.slice(0, 500).join(',')}&sort=-arr&limit=500`,
      )
    ).body.items;
    expect(drill.slice(0, listed.length).map((row) => row['Account ID'])).toEqual(
      listed.map((item) => item.id),
    );
    expect(drill).toHaveLength(card?.accountIds.length ?? -1);
    const ae = Object.values(renewals.rows).find((row) => row.owners.ae)?.owners.ae as string;
    const byDate = await csv(`/api/export/renewals.csv?days=365&segment=enterprise&ae=${ae}&sort=date`);
    const mine = Object.values(renewals.rows).filter((row) => row.owners.ae === ae);
    expect(byDate.map((row) => row.Renewal)).toEqual(mine.map((row) => row.renewalDate).sort());
    const refused = await pulse.get<{ error: { field: string } }>('/api/export/accounts.csv?colour=red');
    expect([refused.status, refused.body.error.field]).toEqual([400, 'colour']);
  });

  it('publishes an OpenAPI document', async () => {
    const { status, body } = await pulse.get<{ paths: Record<string, unknown> }>('/api/docs/json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/accounts', '/api/accounts/{id}', '/api/kpis/{view}']),
    );
  });
});
