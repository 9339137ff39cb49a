import {
  ARR_MOVEMENT_KINDS,
  DELIVERABLE_STATUSES,
  ENGAGEMENT_KINDS,
  ENGAGEMENT_STATUSES,
  LIFECYCLE_STAGES,
  MILESTONE_STATUSES,
  OBJECTIVE_STATUSES,
  OUTCOME_STAGES,
  PERSONAS,
  PLAN_STATUSES,
  PLAN_TIERS,
  PROGRAM_KINDS,
  REGIONS,
  RENEWAL_STATUSES,
  RISK_CATEGORIES,
  ROLES,
  SEGMENTS,
  SUCCESS_TIERS,
  SURVEY_KINDS,
  TICKET_SEVERITIES,
  TIMELINE_KINDS,
  USE_CASES,
} from '@pulse/domain';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database/database.types.js';
import { DemoAlreadySeededError, seedDemo } from '../../src/demo/seed.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from '../database/test-database.js';

const AS_OF = new Date('2026-03-15T00:00:00Z');
const DAY = 86_400_000;

describe.each(TEST_DRIVERS)('demo seed on %s', (driver) => {
  let testDb: TestDatabase;
  let db: Kysely<Database>;

  beforeAll(async () => {
    testDb = await openTestDatabase(driver);
    db = testDb.database.db;
    await seedDemo(db, { accounts: 300, seed: 42, asOf: AS_OF });
  }, 120_000);
  afterAll(async () => {
    await testDb?.dispose();
  });

  const distinct = async (table: keyof Database, column: string) => {
    const result = await sql<{
      value: string;
    }>`select distinct ${sql.ref(column)}::text as value from ${sql.table(table)}
      where ${sql.ref(column)} is not null`.execute(db);
    return result.rows.map((row) => row.value).sort();
  };

  it.each([
    ['team_members', 'role', ROLES],
    ['team_members', 'region', REGIONS],
    ['accounts', 'region', REGIONS],
    ['accounts', 'segment', SEGMENTS],
    ['accounts', 'success_tier', SUCCESS_TIERS],
    ['accounts', 'plan_tier', PLAN_TIERS],
    ['accounts', 'lifecycle_stage', LIFECYCLE_STAGES],
    ['accounts', 'primary_use_case', USE_CASES],
    ['accounts', 'priority', ['1', '2']],
    ['arr_movements', 'kind', ARR_MOVEMENT_KINDS],
    ['timeline_entries', 'kind', TIMELINE_KINDS],
    ['timeline_entries', 'sentiment', ['green', 'yellow', 'red']],
    ['support_tickets', 'severity', TICKET_SEVERITIES],
    ['success_plans', 'status', PLAN_STATUSES],
    ['sp_objectives', 'status', OBJECTIVE_STATUSES],
    ['sp_objectives', 'outcome_stage', OUTCOME_STAGES],
    ['sp_objectives', 'use_case', USE_CASES],
    ['sp_milestones', 'status', MILESTONE_STATUSES],
    ['engagements', 'kind', ENGAGEMENT_KINDS],
    ['engagements', 'status', ENGAGEMENT_STATUSES],
    ['deliverables', 'status', DELIVERABLE_STATUSES],
    ['surveys', 'kind', SURVEY_KINDS],
    ['renewals', 'risk_category', RISK_CATEGORIES],
    ['renewals', 'status', RENEWAL_STATUSES],
    ['program_sessions', 'kind', PROGRAM_KINDS],
    ['health_overrides', 'color', ['green', 'yellow', 'red']],
  ] as const)('uses every value of %s.%s', async (table, column, values) => {
    expect(await distinct(table, column)).toEqual([...values].sort());
  });

  it('uses every persona on timeline entries', async () => {
    const result = await sql<{
      persona: string;
    }>`select distinct unnest(personas) as persona from timeline_entries`.execute(db);
    expect(result.rows.map((row) => row.persona).sort()).toEqual([...PERSONAS].sort());
  });

  it('builds a management chain: every person but the two VPs reports to someone, managers report to a VP', async () => {
    const people = await db.selectFrom('team_members').select(['id', 'role', 'manager_id']).execute();
    expect(people.length).toBeGreaterThanOrEqual(35);
    const roots = people.filter((person) => person.manager_id === null);
    expect(roots.map((person) => person.role)).toEqual(['manager', 'manager']);
    const byId = new Map(people.map((person) => [person.id, person]));
    for (const person of people) {
      let depth = 0;
      for (let at = person; at.manager_id !== null; at = byId.get(at.manager_id)!) depth++;
      expect(depth).toBeLessThanOrEqual(2);
    }
  });

  it('gives plausible trailing-12-month retention: GRR 0.85–0.95, NRR 1.0–1.25', async () => {
    const movements = await db
      .selectFrom('arr_movements')
      .select(['account_id', 'kind', 'amount_cents', 'effective_date'])
      .execute();
    const t0 = new Date(AS_OF.getTime() - 365 * DAY).toISOString().slice(0, 10);
    const t = AS_OF.toISOString().slice(0, 10);
    const arrAt = new Map<string, { start: number; end: number }>();
    for (const move of movements) {
      const sign = move.kind === 'new' || move.kind === 'expansion' ? 1 : -1;
      const entry = arrAt.get(move.account_id) ?? { start: 0, end: 0 };
      if (move.effective_date <= t0) entry.start += sign * move.amount_cents;
      if (move.effective_date <= t) entry.end += sign * move.amount_cents;
      arrAt.set(move.account_id, entry);
    }
    const cohort = [...arrAt.values()].filter((arr) => arr.start > 0);
    const start = cohort.reduce((sum, arr) => sum + arr.start, 0);
    const grr = cohort.reduce((sum, arr) => sum + Math.min(arr.start, arr.end), 0) / start;
    const nrr = cohort.reduce((sum, arr) => sum + arr.end, 0) / start;
    expect(grr).toBeGreaterThanOrEqual(0.85);
    expect(grr).toBeLessThanOrEqual(0.95);
    expect(nrr).toBeGreaterThanOrEqual(1.0);
    expect(nrr).toBeLessThanOrEqual(1.25);
    expect(Math.min(...[...arrAt.values()].map((arr) => arr.end))).toBe(0); // some churned to zero
  });

  it('puts open renewals in each of the next four fiscal quarters', async () => {
    const renewals = await db
      .selectFrom('renewals')
      .select('renewal_date')
      .where('status', '=', 'open')
      .execute();
    const quarters = new Set(
      renewals.map((renewal) => {
        // Fiscal year starts 1 February: shift by one month and take the calendar quarter.
        const date = new Date(`${renewal.renewal_date}T00:00:00Z`);
        const shifted = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1));
        return `${shifted.getUTCFullYear()}Q${Math.floor(shifted.getUTCMonth() / 3) + 1}`;
      }),
    );
    expect(quarters.size).toBeGreaterThanOrEqual(4);
    expect(renewals.every((renewal) => renewal.renewal_date > AS_OF.toISOString().slice(0, 10))).toBe(true);
  });

  it('has late deliverables, open and recent emergencies, stale and fresh sentiment, expired and cleared overrides', async () => {
    const asOf = AS_OF.toISOString();
    const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
      (await query.execute(db)).rows[0]!.n;
    expect(
      await count(sql`select count(*) as n from deliverables where delivered_on > due_date`),
    ).toBeGreaterThan(0);
    expect(
      await count(
        sql`select count(*) as n from support_tickets where severity = 'emergency' and closed_at is null`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await count(
        sql`select count(*) as n from support_tickets where severity = 'emergency' and closed_at > ${asOf}::timestamptz - interval '7 days'`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await count(
        sql`select count(*) as n from timeline_entries where sentiment is not null and occurred_at between ${asOf}::timestamptz - interval '120 days' and ${asOf}::timestamptz - interval '90 days'`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await count(sql`select count(*) as n from health_overrides where expires_at < ${asOf}::timestamptz`),
    ).toBeGreaterThan(0);
    expect(
      await count(sql`select count(*) as n from health_overrides where cleared_at is not null`),
    ).toBeGreaterThan(0);
    expect(await count(sql`select count(*) as n from doc_updates`)).toBeGreaterThan(0);
    expect(await count(sql`select count(*) as n from program_attendance`)).toBeGreaterThan(0);
    expect(await count(sql`select count(*) as n from sp_milestones where technical`)).toBeGreaterThan(0);
  });

  it('announces the seed with one change per account and person, not one per fact row', async () => {
    const rows = await sql<{ table_name: string; n: number }>`
      select table_name, count(*) as n from change_log group by table_name order by table_name`.execute(db);
    expect(rows.rows).toEqual([
      { table_name: 'accounts', n: 300 },
      { table_name: 'team_members', n: 39 },
    ]);
  });

  it('leaves the outbox on: a fact row written after the seed is announced', async () => {
    await db
      .insertInto('arr_movements')
      .values({
        account_id: 'acc-00001',
        kind: 'expansion',
        amount_cents: 100_00,
        effective_date: '2026-03-14',
      })
      .execute();
    const logged = await db
      .selectFrom('change_log')
      .select(['account_id', 'op'])
      .where('table_name', '=', 'arr_movements')
      .execute();
    expect(logged).toEqual([{ account_id: 'acc-00001', op: 'INSERT' }]);
  });

  it('refuses to seed a database that has data, and replaces it with reset', async () => {
    await expect(seedDemo(db, { accounts: 5, seed: 1, asOf: AS_OF })).rejects.toThrow(DemoAlreadySeededError);
    await expect(seedDemo(db, { accounts: 5, seed: 1, asOf: AS_OF })).rejects.toThrow(/--reset/);
    expect((await db.selectFrom('accounts').select('id').execute()).length).toBe(300);
    await seedDemo(db, { accounts: 20, seed: 42, asOf: AS_OF, reset: true });
    expect((await db.selectFrom('accounts').select('id').execute()).length).toBe(20);
  }, 60_000);
});

describe('demo seed determinism', () => {
  const snapshot = async (db: Kysely<Database>) => {
    const tables = [
      'accounts',
      'arr_movements',
      'usage_snapshots',
      'timeline_entries',
      'support_tickets',
      'sp_milestones',
      'deliverables',
      'surveys',
      'renewals',
      'account_owner_history',
    ] as const;
    const dump: Record<string, unknown[]> = {};
    for (const table of tables) {
      dump[table] = (await sql`select * from ${sql.table(table)} order by 1`.execute(db)).rows;
    }
    return dump;
  };

  it('writes the same rows for the same seed and anchor, and different rows for another seed', async () => {
    const dumps = [];
    for (const seed of [7, 7, 8]) {
      const testDb = await openTestDatabase('pglite');
      try {
        await seedDemo(testDb.database.db, { accounts: 40, seed, asOf: AS_OF });
        dumps.push(await snapshot(testDb.database.db));
      } finally {
        await testDb.dispose();
      }
    }
    expect(dumps[1]).toEqual(dumps[0]);
    expect(dumps[2]!.accounts).not.toEqual(dumps[0]!.accounts);
  }, 120_000);

  it('validates its options, naming the bad one', async () => {
    const testDb = await openTestDatabase('pglite');
    try {
      await expect(seedDemo(testDb.database.db, { accounts: 0, seed: 1 })).rejects.toThrow(
        'accounts must be a whole number ≥ 1, got 0',
      );
      await expect(seedDemo(testDb.database.db, { accounts: 5, seed: -1 })).rejects.toThrow(
        'seed must be a whole number ≥ 0, got -1',
      );
    } finally {
      await testDb.dispose();
    }
  }, 60_000);
});
