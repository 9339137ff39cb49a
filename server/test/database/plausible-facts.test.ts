import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Database, FACTS_TABLES } from '../../src/database/database.types.js';
import * as plausibleFacts from '../../src/database/migrations/0002_plausible_facts.js';
import { FACT_BOUNDS } from '../../src/facts/fact-bounds.js';
import { FactsRepository } from '../../src/facts/facts.repository.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from './test-database.js';

/** The schema refuses what the engine cannot represent, and the loader survives what got in before. */
describe.each(TEST_DRIVERS)('plausible facts on %s', (driver) => {
  let testDb: TestDatabase;
  let db: Kysely<Database>;
  let ids: { override: number; entry: number; plan: number; objective: number; session: number };

  const run = (statement: string) => sql.raw(statement).execute(db);
  /** Migration 0002 itself, run by hand (migrations are typed against no schema). */
  const migration = {
    down: () => plausibleFacts.down(db as unknown as Kysely<unknown>),
    up: () => plausibleFacts.up(db as unknown as Kysely<unknown>),
  };

  beforeAll(async () => {
    testDb = await openTestDatabase(driver);
    db = testDb.database.db;
  }, 60_000);
  afterAll(async () => {
    await testDb?.dispose();
  });

  beforeEach(async () => {
    await run('truncate team_members, accounts, program_sessions, change_log restart identity cascade');
    await run(
      `insert into team_members (id, name, email, role, region) values ('tm-1', 'Ada', 'a@x.io', 'csm', 'emea')`,
    );
    for (const id of ['acc-1', 'acc-2']) {
      await run(`insert into accounts (id, name, segment, region, success_tier, plan_tier, lifecycle_stage, csm_id,
        licensed_seats, contract_start) values ('${id}', '${id}', 'smb', 'emea', 'advanced', 'premium', 'adopting',
        'tm-1', 100, '2024-03-01')`);
    }
    const id = async (statement: string) =>
      Number((await sql.raw<{ id: number }>(statement).execute(db)).rows[0]!.id);
    ids = {
      override: await id(`insert into health_overrides (account_id, color, reason, author_id)
        values ('acc-1', 'red', 'watch', 'tm-1') returning id`),
      entry: await id(`insert into timeline_entries (account_id, kind, occurred_at, summary)
        values ('acc-1', 'call', now(), 'hello') returning id`),
      plan: await id(
        `insert into success_plans (account_id, status) values ('acc-1', 'active') returning id`,
      ),
      objective: 0,
      session: await id(
        `insert into program_sessions (kind, title, held_on) values ('webinar', 'CI 101', '2025-05-01') returning id`,
      ),
    };
    ids.objective = await id(
      `insert into sp_objectives (plan_id, title, status) values (${ids.plan}, 'CI', 'on_track') returning id`,
    );
    await run(
      `insert into sp_milestones (objective_id, title, status) values (${ids.objective}, 'first pipeline', 'in_progress')`,
    );
    await run(
      `insert into program_attendance (session_id, account_id, attendees) values (${ids.session}, 'acc-1', 3), (${ids.session}, 'acc-2', 5)`,
    );
  });

  it.each<[string, string, () => string]>([
    [
      'health_overrides',
      'expires_at',
      () => `update health_overrides set expires_at = 'infinity' where id = ${ids.override}`,
    ],
    [
      'timeline_entries',
      'occurred_at',
      () => `update timeline_entries set occurred_at = '294276-12-31' where id = ${ids.entry}`,
    ],
    [
      'support_tickets',
      'opened_at',
      () =>
        `insert into support_tickets (account_id, severity, opened_at, subject) values ('acc-1', 'high', '-infinity', 's')`,
    ],
    [
      'accounts',
      'contract_start',
      () => `update accounts set contract_start = '0024-01-01' where id = 'acc-1'`,
    ],
    [
      'accounts',
      'licensed_seats',
      () => `update accounts set licensed_seats = 2000000000 where id = 'acc-1'`,
    ],
    [
      'usage_snapshots',
      'ci_builds',
      () => `insert into usage_snapshots (account_id, measured_on, billable_users, active_users_28d,
      git_operation_users, ci_builds, ci_pipelines, scanner_users, scans, scanner_types, deploying_users, deployments,
      successful_deployments, issue_users, epic_users) values ('acc-1', '2025-01-01', 1, 1, 1, -3, 1, 1, 1, 1, 1, 1, 1, 1, 1)`,
    ],
    [
      'usage_snapshots',
      'billable_users',
      () => `insert into usage_snapshots (account_id, measured_on, billable_users, active_users_28d,
      git_operation_users, ci_builds, ci_pipelines, scanner_users, scans, scanner_types, deploying_users, deployments,
      successful_deployments, issue_users, epic_users) values ('acc-1', '2025-01-01', 900000000, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)`,
    ],
    [
      'arr_movements',
      'amount_cents',
      () =>
        `insert into arr_movements (account_id, kind, amount_cents, effective_date) values ('acc-1', 'new', 9007199254740993, '2025-01-01')`,
    ],
    [
      'renewals',
      'atr_cents',
      () =>
        `insert into renewals (account_id, renewal_date, atr_cents, forecast_cents, risk_category) values ('acc-1', '2026-01-01', 100000000000000, 0, 'will_renew')`,
    ],
    [
      'surveys',
      'responded_on',
      () =>
        `insert into surveys (account_id, kind, sent_on, responded_on, score) values ('acc-1', 'nps', '2025-01-01', 'infinity', 9)`,
    ],
    [
      'program_sessions',
      'held_on',
      () => `update program_sessions set held_on = '5874897-12-31' where id = ${ids.session}`,
    ],
    [
      'program_attendance',
      'attendees',
      () => `update program_attendance set attendees = 50000000 where account_id = 'acc-1'`,
    ],
  ])(
    'refuses an implausible %s.%s with the range constraint naming the column',
    async (table, column, statement) => {
      await expect(run(statement())).rejects.toThrow(new RegExp(`${table}_${column}_range`));
    },
  );

  it('refuses NaN: no facts column has a type that can hold it', async () => {
    await expect(run(`update accounts set licensed_seats = 'NaN' where id = 'acc-1'`)).rejects.toThrow(
      /integer/,
    );
    await expect(run(`update arr_movements set amount_cents = 'NaN'`)).rejects.toThrow(/bigint/);
  });

  it('bounds every date, instant and number column a writer can reach (ids and references aside)', async () => {
    const columns = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and table_name = any(${[...FACTS_TABLES]})
        and data_type in ('date', 'timestamp with time zone', 'timestamp without time zone', 'smallint',
                          'integer', 'bigint', 'numeric', 'real', 'double precision')
        and column_name <> 'id' and column_name not like '%\\_id'`.execute(db);
    expect(columns.rows.length).toBeGreaterThan(40);
    const bounded = (table: string, column: string) =>
      column in ((FACT_BOUNDS as Record<string, Record<string, unknown>>)[table] ?? {});
    const unbounded = columns.rows.filter((row) => !bounded(row.table_name, row.column_name));
    expect(unbounded).toEqual([]);
  });

  it('still migrates a database that already holds rows out of range (the checks are NOT VALID)', async () => {
    await migration.down();
    await run(`update health_overrides set expires_at = 'infinity' where id = ${ids.override}`);
    await expect(migration.up()).resolves.toBeUndefined();
    // New writes are checked all the same.
    await expect(
      run(`update timeline_entries set occurred_at = 'infinity' where id = ${ids.entry}`),
    ).rejects.toThrow(/timeline_entries_occurred_at_range/);
  });

  it('reads bigints exactly, and refuses one a JavaScript number cannot hold instead of rounding it', async () => {
    const exact = await sql<{ v: number }>`select 9007199254740991::bigint as v`.execute(db);
    expect(exact.rows[0]!.v).toBe(Number.MAX_SAFE_INTEGER);
    await expect(sql`select 9007199254740993::bigint as v`.execute(db)).rejects.toThrow(
      /bigint 9007199254740993 is beyond the exact integer range/,
    );
  });

  describe('with the range checks dropped (an old database)', () => {
    beforeEach(async () => {
      await migration.down();
      await run('alter table usage_snapshots drop constraint if exists usage_snapshots_counts_check');
      await run('alter table sp_milestones drop constraint if exists sp_milestones_progress_pct_check');
    });

    it('loads every account and reports each unreadable row against its account instead of throwing', async () => {
      await run(`update health_overrides set expires_at = 'infinity' where id = ${ids.override}`);
      await run(`update timeline_entries set occurred_at = '294276-12-31' where id = ${ids.entry}`);
      await run(`update sp_milestones set progress_pct = 500`);
      await run(`insert into usage_snapshots (account_id, measured_on, billable_users, active_users_28d,
        git_operation_users, ci_builds, ci_pipelines, scanner_users, scans, scanner_types, deploying_users,
        deployments, successful_deployments, issue_users, epic_users)
        values ('acc-2', '2025-01-01', 10, 5, 5, -4, 1, 1, 1, 1, 1, 1, 1, 1, 1)`);
      await run(`insert into arr_movements (account_id, kind, amount_cents, effective_date)
        values ('acc-2', 'new', 9007199254740993, '2025-01-01'), ('acc-2', 'expansion', 5000, '2025-02-01')`);

      const { facts, unreadable } = await new FactsRepository(db).loadAccountFacts(['acc-1', 'acc-2']);

      expect(facts.map((account) => account.account.id)).toEqual(['acc-1', 'acc-2']);
      const found = unreadable.map(
        ({ accountId, table, column, reason }) => `${accountId} ${table}.${column} ${reason}`,
      );
      expect(found.sort()).toEqual([
        'acc-1 health_overrides.expires_at is not a finite instant',
        'acc-1 sp_milestones.progress_pct is outside 0..100',
        'acc-1 timeline_entries.occurred_at is outside 1900-01-01..2200-12-31',
        'acc-2 arr_movements.amount_cents is not an exact integer',
        'acc-2 usage_snapshots.ci_builds is outside 0..2000000000',
      ]);
      expect(unreadable.find((row) => row.table === 'health_overrides')).toMatchObject({
        rowId: String(ids.override),
        value: 'infinity',
      });
      // The readable rows are all there, the unreadable ones left out.
      const [first, second] = facts;
      expect(first!.healthOverrides).toEqual([]);
      expect(first!.timeline).toEqual([]);
      expect(first!.successPlan?.objectives[0]?.milestones).toEqual([]);
      expect(second!.arrMovements.map((movement) => movement.amountCents)).toEqual([5000]);
      expect(second!.usageSnapshots).toEqual([]);
    });

    it('reports a shared session with an unreadable date against every account that attended it', async () => {
      await run(`update program_sessions set held_on = 'infinity' where id = ${ids.session}`);
      const { unreadable } = await new FactsRepository(db).loadAccountFacts(['acc-1', 'acc-2']);
      expect(unreadable.map((row) => [row.accountId, row.table, row.rowId, row.column])).toEqual([
        ['acc-1', 'program_sessions', String(ids.session), 'held_on'],
        ['acc-2', 'program_sessions', String(ids.session), 'held_on'],
      ]);
    });

    it('reads team members whose book target is beyond 2^53 cents, without that target', async () => {
      await run(`insert into team_members (id, name, email, role, region, book_arr_target_cents)
        values ('tm-2', 'Bo', 'b@x.io', 'csm', 'emea', 9007199254740993), ('tm-3', 'Cy', 'c@x.io', 'csm', 'emea', 70000000)`);
      const members = await new FactsRepository(db).listTeamMembers();
      expect(members.map((member) => [member.id, member.bookArrTargetCents])).toEqual([
        ['tm-1', null],
        ['tm-2', null],
        ['tm-3', 70_000_000],
      ]);
    });
  });
});
