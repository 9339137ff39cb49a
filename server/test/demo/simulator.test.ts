import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/app-config.js';
import type { Database } from '../../src/database/database.types.js';
import { SimulatorRepository } from '../../src/demo/simulator.repository.js';
import { type SimulatedWrite, SimulatorService } from '../../src/demo/simulator.service.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from '../database/test-database.js';

const ACTIVE_ACCOUNTS = ['acc-1', 'acc-2', 'acc-3', 'acc-4', 'acc-5', 'acc-6'];
const CHURNED_ACCOUNT = 'acc-9';

/** A small organisation: three owners, six live accounts with every kind of fact, one churned account. */
async function insertOrganisation(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto('team_members')
    .values([
      { id: 'tm-csm', name: 'Cara Smith', email: 'cara@pulse.test', role: 'csm', region: 'emea' },
      { id: 'tm-cse', name: 'Eli Stone', email: 'eli@pulse.test', role: 'cse', region: 'emea' },
      { id: 'tm-csa', name: 'Ana Cruz', email: 'ana@pulse.test', role: 'csa', region: 'emea' },
    ])
    .execute();
  const tiers = ['essentials', 'cse_assigned', 'advanced', 'on_demand', 'signature', 'essentials'] as const;
  await db
    .insertInto('accounts')
    .values([
      ...ACTIVE_ACCOUNTS.map((id, i) => ({
        id,
        name: `Account ${id}`,
        segment: 'enterprise' as const,
        region: 'emea' as const,
        success_tier: tiers[i]!,
        plan_tier: 'ultimate' as const,
        lifecycle_stage: i === 5 ? ('will_churn' as const) : ('adopting' as const),
        csm_id: tiers[i] === 'cse_assigned' || tiers[i] === 'on_demand' ? null : 'tm-csm',
        cse_id: 'tm-cse',
        csa_id: i === 2 ? 'tm-csa' : null,
        licensed_seats: 100 + i * 50,
        contract_start: '2024-03-01',
        renewal_date: '2026-03-01',
      })),
      {
        id: CHURNED_ACCOUNT,
        name: 'Gone Ltd',
        segment: 'smb',
        region: 'emea',
        success_tier: 'essentials',
        plan_tier: 'premium',
        lifecycle_stage: 'churned',
        csm_id: 'tm-csm',
        licensed_seats: 10,
        contract_start: '2023-01-01',
      },
    ])
    .execute();
  for (const [i, accountId] of ACTIVE_ACCOUNTS.entries()) {
    await db
      .insertInto('arr_movements')
      .values({
        account_id: accountId,
        kind: 'new',
        amount_cents: 5_000_000 * (i + 1),
        effective_date: '2024-03-01',
      })
      .execute();
    await db
      .insertInto('renewals')
      .values({
        account_id: accountId,
        renewal_date: '2026-03-01',
        atr_cents: 5_000_000 * (i + 1),
        forecast_cents: 5_000_000 * (i + 1),
        risk_category: 'will_renew',
      })
      .execute();
    const plan = await db
      .insertInto('success_plans')
      .values({ account_id: accountId, status: 'active', has_strategy: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const objective = await db
      .insertInto('sp_objectives')
      .values({ plan_id: plan.id, title: 'Adopt CI', use_case: 'ci', status: 'on_track' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('sp_milestones')
      .values([
        {
          objective_id: objective.id,
          title: 'Runners',
          status: 'in_progress',
          progress_pct: 40,
          due_date: '2025-01-01',
        },
        { objective_id: objective.id, title: 'Templates', status: 'not_started', due_date: '2025-02-01' },
      ])
      .execute();
    const engagement = await db
      .insertInto('engagements')
      .values({
        account_id: accountId,
        cse_id: 'tm-cse',
        kind: 'workshop',
        status: 'active',
        started_on: '2024-04-01',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('deliverables')
      .values({
        engagement_id: engagement.id,
        title: 'Workshop notes',
        due_date: '2024-05-01',
        status: 'open',
      })
      .execute();
  }
}

async function lastChangeId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('change_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirstOrThrow();
  return Number(row.id ?? 0);
}

const simulatorFor = (db: Kysely<Database>, rate: number, seed = 7) =>
  new SimulatorService(
    loadConfig({ PULSE_SIMULATE_RATE: String(rate), PULSE_SEED: String(seed) }),
    new SimulatorRepository(db),
  );

describe.each(TEST_DRIVERS)('demo simulator on %s', (driver) => {
  let testDatabase: TestDatabase;
  let db: Kysely<Database>;

  beforeAll(async () => {
    testDatabase = await openTestDatabase(driver);
    db = testDatabase.database.db;
    await insertOrganisation(db);
  }, 120_000);
  afterAll(async () => {
    await testDatabase?.dispose();
  });

  test('200 single writes succeed, touch many tables and log each change for its account', {
    timeout: 120_000,
  }, async () => {
    const simulator = simulatorFor(db, 0);
    const tables = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const before = await lastChangeId(db);
      const write = await simulator.writeOnce();
      const changes = await db
        .selectFrom('change_log')
        .select(['account_id', 'table_name'])
        .where('id', '>', before)
        .execute();
      expect(changes.length, `write ${i} (${write.table})`).toBeGreaterThan(0);
      expect(new Set(changes.map((change) => change.account_id))).toEqual(new Set([write.accountId]));
      expect(changes.map((change) => change.table_name)).toContain(write.table);
      tables.add(write.table);
    }
    expect(tables.size).toBeGreaterThanOrEqual(5);

    const churnedChanges = await db
      .selectFrom('change_log')
      .select('id')
      .where('account_id', '=', CHURNED_ACCOUNT)
      .where('table_name', '<>', 'accounts')
      .execute();
    expect(churnedChanges).toEqual([]);
    // Usage moves in place: at most one snapshot per account and day.
    const today = new Date().toISOString().slice(0, 10);
    const snapshotsToday = await db
      .selectFrom('usage_snapshots')
      .select('account_id')
      .where('measured_on', '=', today)
      .execute();
    expect(snapshotsToday.length).toBeGreaterThan(0);
    expect(snapshotsToday.length).toBeLessThanOrEqual(ACTIVE_ACCOUNTS.length);
    const finished = await db.selectFrom('sp_milestones').select('id').where('status', '=', 'done').execute();
    expect(finished.length).toBeGreaterThan(0);
  });

  test('start() at 50 writes/s writes until stop(), and nothing after', { timeout: 30_000 }, async () => {
    const simulator = simulatorFor(db, 50);
    const before = await lastChangeId(db);
    await simulator.start();
    expect(simulator.running).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await simulator.stop();
    expect(simulator.running).toBe(false);
    const afterStop = await lastChangeId(db);
    // About 50 expected; the bound is loose so a slow machine does not fail it.
    expect(afterStop - before).toBeGreaterThanOrEqual(10);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await lastChangeId(db)).toBe(afterStop);
  });

  test('at 50 writes/s it still logs meetings, tickets and ARR movements at a real team’s pace, and moves usage instead', {
    timeout: 30_000,
  }, async () => {
    const simulator = simulatorFor(db, 50, 11);
    const count = async () => {
      const rows = await Promise.all(
        (['timeline_entries', 'support_tickets', 'arr_movements'] as const).map((table) =>
          db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow(),
        ),
      );
      return rows.map((row) => Number(row.n));
    };
    const [timelineBefore, ticketsBefore, arrBefore] = await count();
    const changesBefore = await lastChangeId(db);
    await simulator.start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await simulator.stop();
    const [timeline, tickets, arr] = await count();
    // Six accounts meet two or three times a month: in two seconds, the first hour's budget (one write) at most.
    expect(timeline! - timelineBefore!).toBeLessThanOrEqual(1);
    expect(tickets! - ticketsBefore!).toBeLessThanOrEqual(1);
    expect(arr! - arrBefore!).toBeLessThanOrEqual(1);
    // The simulator kept writing all the same: usage, milestones, deliverables and forecasts move.
    expect((await lastChangeId(db)) - changesBefore).toBeGreaterThanOrEqual(20);
  });

  test('start() at rate 0 writes nothing', async () => {
    const simulator = simulatorFor(db, 0);
    const before = await lastChangeId(db);
    await simulator.start();
    expect(simulator.running).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await lastChangeId(db)).toBe(before);
  });
});

describe('demo simulator determinism', () => {
  const runOn = async (seed: number): Promise<SimulatedWrite[]> => {
    const testDatabase = await openTestDatabase('pglite');
    try {
      await insertOrganisation(testDatabase.database.db);
      const simulator = simulatorFor(testDatabase.database.db, 0, seed);
      const writes: SimulatedWrite[] = [];
      for (let i = 0; i < 40; i++) writes.push(await simulator.writeOnce());
      return writes;
    } finally {
      await testDatabase.dispose();
    }
  };

  test('the same seed on the same data makes the same writes', { timeout: 120_000 }, async () => {
    const first = await runOn(7);
    expect(new Set(first.map((write) => write.table)).size).toBeGreaterThan(1);
    expect(await runOn(7)).toEqual(first);
  });
});
