import { defaultConfig } from '@pulse/domain';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalibrationService } from '../../src/calibration/calibration.service.js';
import { systemClock } from '../../src/clock/clock.js';
import type { Database } from '../../src/database/database.types.js';
import { seedDemo } from '../../src/demo/seed.js';
import { AsOfFactsRepository } from '../../src/facts/as-of-facts.repository.js';
import { FactsRepository } from '../../src/facts/facts.repository.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from '../database/test-database.js';

const AS_OF = new Date('2026-03-15T00:00:00Z');
const TODAY = AS_OF.toISOString().slice(0, 10);
const DAY = 86_400_000;

/**
 * The demo organisation has a past (issue 14): owners, tiers, lifecycles, forecasts and plan
 * statuses changed over its three years, so the as-of views and calibration say something true.
 */
describe.each(TEST_DRIVERS)('the demo organisation’s past on %s', (driver) => {
  let testDb: TestDatabase;
  let db: Kysely<Database>;
  let asOf: AsOfFactsRepository;

  beforeAll(async () => {
    testDb = await openTestDatabase(driver);
    db = testDb.database.db;
    await seedDemo(db, { accounts: 300, seed: 42, asOf: AS_OF });
    asOf = new AsOfFactsRepository(db);
  }, 120_000);
  afterAll(async () => {
    await testDb?.dispose();
  });

  it('keeps one open version per row, equal to the live row, and versions that never overlap', async () => {
    const open = await sql<{ n: number }>`
      select count(*)::int as n from fact_history h join accounts a on h.row_id = a.id
      where h.table_name = 'accounts' and h.valid_to is null and h.image = to_jsonb(a)`.execute(db);
    expect(open.rows[0]!.n).toBe(300);
    const problems = await sql<{ n: number }>`
      select count(*)::int as n from fact_history a join fact_history b
        on a.table_name = b.table_name and a.row_id = b.row_id and a.id < b.id
      where a.valid_from < coalesce(b.valid_to, 'infinity') and b.valid_from < coalesce(a.valid_to, 'infinity')
        or a.valid_to <= a.valid_from`.execute(db);
    expect(problems.rows[0]!.n).toBe(0);
    const changed = await sql<{ table_name: string; rows: number }>`
      select table_name, count(distinct row_id)::int as rows from fact_history
      where valid_to is not null group by table_name order by table_name`.execute(db);
    expect(changed.rows.map((r) => r.table_name)).toEqual(['accounts', 'renewals', 'success_plans']);
    for (const { rows } of changed.rows) expect(rows).toBeGreaterThan(10);
  });

  it('shows the owner of then before a handover, agreeing with the owner history', async () => {
    const handovers = await sql<{ account_id: string; before: string; after: string; at: Date }>`
      select h.account_id, p.member_id as before, h.member_id as after, h.valid_from as at
      from account_owner_history h join account_owner_history p
        on p.account_id = h.account_id and p.role = 'csm' and p.valid_from < h.valid_from
      where h.role = 'csm' and p.member_id is distinct from h.member_id
      order by h.account_id`.execute(db);
    expect(handovers.rows.length).toBeGreaterThan(5);
    for (const { account_id, before, after, at } of handovers.rows) {
      const instant = new Date(at);
      const [then] = (await asOf.loadAccountFacts([account_id], new Date(instant.getTime() - DAY))).facts;
      const [since] = (await asOf.loadAccountFacts([account_id], new Date(instant.getTime() + DAY))).facts;
      expect([then?.account.csmId, since?.account.csmId], account_id).toEqual([before, after]);
    }
  });

  it('changed tiers, and shows churned accounts active until their churn', async () => {
    const yearAgo = new Date(AS_OF.getTime() - 365 * DAY);
    const [now, then] = await Promise.all([
      asOf.loadAllFacts(new Date(AS_OF.getTime() - 1)),
      asOf.loadAllFacts(yearAgo),
    ]);
    const thenById = new Map(then.facts.map((f) => [f.account.id, f.account]));
    const tierChanged = now.facts.filter((f) => {
      const earlier = thenById.get(f.account.id);
      return earlier && earlier.successTier !== f.account.successTier;
    });
    expect(tierChanged.length).toBeGreaterThan(0);
    // Accounts that were created after a date did not exist on it.
    expect(then.facts.length).toBeLessThan(now.facts.length);

    const churns = await sql<{ account_id: string; effective_date: string }>`
      select account_id, effective_date from arr_movements m
      where kind = 'churn' and effective_date < ${TODAY}
        and not exists (select 1 from arr_movements r where r.account_id = m.account_id
          and r.kind = 'new' and r.effective_date > m.effective_date)`.execute(db);
    expect(churns.rows.length).toBeGreaterThan(3);
    for (const { account_id, effective_date } of churns.rows) {
      const day = Date.parse(`${effective_date}T00:00:00Z`);
      const [before] = (await asOf.loadAccountFacts([account_id], new Date(day - 40 * DAY))).facts;
      const [after] = (await asOf.loadAccountFacts([account_id], new Date(day + 2 * DAY))).facts;
      expect(before?.account.lifecycleStage, account_id).not.toBe('churned');
      expect(after?.account.lifecycleStage, account_id).toBe('churned');
    }
  });

  it('calibrates to numbers that follow from the story: churns seen coming were red or yellow first', async () => {
    const calibration = new CalibrationService(new FactsRepository(db), asOf, defaultConfig, systemClock);
    const report = await calibration.report(8, TODAY);
    expect(report.churnsWarned.churned).toBeGreaterThan(0);
    expect(report.churnedArrFlaggedShare).toBeGreaterThan(0);
    // Some churns were not foreseen (the story keeps about a third a surprise).
    expect(report.churnedArrFlaggedShare).toBeLessThan(1);
    expect(report.churnsWarned.warned).toBeGreaterThan(0);
    expect(report.medianWarningDays).toBeGreaterThan(30);
  }, 120_000);
});
