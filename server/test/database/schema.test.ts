import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Database, FACTS_TABLES } from '../../src/database/database.types.js';
import { migrateToLatest, pendingMigrations } from '../../src/database/migrate.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from './test-database.js';

describe.each(TEST_DRIVERS)('schema on %s', (driver) => {
  let testDb: TestDatabase;
  let db: Kysely<Database>;

  beforeAll(async () => {
    testDb = await openTestDatabase(driver);
    db = testDb.database.db;
  }, 60_000);
  afterAll(async () => {
    await testDb?.dispose();
  });

  const changeLog = () =>
    db
      .selectFrom('change_log')
      .select(['account_id', 'table_name', 'op', 'member_id'])
      .orderBy('id')
      .execute();

  beforeEach(async () => {
    await sql`truncate team_members, accounts, program_sessions, change_log restart identity cascade`.execute(
      db,
    );
    await db
      .insertInto('team_members')
      .values([
        { id: 'tm-1', name: 'Ada', email: 'ada@example.com', role: 'csm', region: 'emea' },
        { id: 'tm-2', name: 'Bo', email: 'bo@example.com', role: 'cse', region: 'emea', manager_id: 'tm-1' },
      ])
      .execute();
    await db
      .insertInto('accounts')
      .values([account('acc-1'), account('acc-2')])
      .execute();
    await db.deleteFrom('change_log').execute();
  });

  it('applies every migration and then has none pending', async () => {
    expect(await pendingMigrations(db)).toEqual([]);
    expect(await migrateToLatest(db)).toEqual([]);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public'`.execute(db);
    const names = tables.rows.map((row) => row.table_name);
    for (const table of [
      ...FACTS_TABLES,
      'account_owner_history',
      'account_scores',
      'score_changes',
      'change_log',
      'change_cursor',
    ]) {
      expect(names).toContain(table);
    }
  });

  it.each([
    [
      'team_members',
      'role',
      `insert into team_members (id, name, email, role, region) values ('x', 'X', 'x@x', 'boss', 'emea')`,
    ],
    [
      'team_members',
      'region',
      `insert into team_members (id, name, email, role, region) values ('x', 'X', 'x@x', 'csm', 'mars')`,
    ],
    ['accounts', 'segment', accountSql({ segment: 'huge' })],
    ['accounts', 'success_tier', accountSql({ success_tier: 'gold' })],
    ['accounts', 'plan_tier', accountSql({ plan_tier: 'platinum' })],
    ['accounts', 'lifecycle_stage', accountSql({ lifecycle_stage: 'dormant' })],
    ['accounts', 'primary_use_case', accountSql({ primary_use_case: 'ml' })],
    ['accounts', 'priority', accountSql({ priority: '3' })],
    ['accounts', 'licensed_seats', accountSql({ licensed_seats: '-1' })],
    [
      'arr_movements',
      'kind',
      `insert into arr_movements (account_id, kind, amount_cents, effective_date) values ('acc-1', 'refund', 100, '2025-01-01')`,
    ],
    [
      'arr_movements',
      'amount_cents',
      `insert into arr_movements (account_id, kind, amount_cents, effective_date) values ('acc-1', 'new', 0, '2025-01-01')`,
    ],
    [
      'timeline_entries',
      'kind',
      `insert into timeline_entries (account_id, kind, occurred_at, summary) values ('acc-1', 'lunch', now(), 's')`,
    ],
    [
      'timeline_entries',
      'sentiment',
      `insert into timeline_entries (account_id, kind, occurred_at, sentiment, summary) values ('acc-1', 'call', now(), 'grey', 's')`,
    ],
    [
      'timeline_entries',
      'personas',
      `insert into timeline_entries (account_id, kind, occurred_at, personas, summary) values ('acc-1', 'call', now(), '{cfo}', 's')`,
    ],
    [
      'support_tickets',
      'severity',
      `insert into support_tickets (account_id, severity, opened_at, subject) values ('acc-1', 'urgent', now(), 's')`,
    ],
    [
      'success_plans',
      'status',
      `insert into success_plans (account_id, status) values ('acc-1', 'archived')`,
    ],
    ['usage_snapshots', 'scanner_types', usageSql({ scanner_types: '8' })],
    [
      'engagements',
      'kind',
      `insert into engagements (account_id, kind, status) values ('acc-1', 'party', 'planned')`,
    ],
    [
      'engagements',
      'status',
      `insert into engagements (account_id, kind, status) values ('acc-1', 'workshop', 'paused')`,
    ],
    [
      'surveys',
      'kind',
      `insert into surveys (account_id, kind, sent_on) values ('acc-1', 'ces', '2025-01-01')`,
    ],
    [
      'surveys',
      'score',
      `insert into surveys (account_id, kind, sent_on, score) values ('acc-1', 'csat', '2025-01-01', 6)`,
    ],
    [
      'renewals',
      'risk_category',
      `insert into renewals (account_id, renewal_date, atr_cents, forecast_cents, risk_category) values ('acc-1', '2026-01-01', 1, 1, 'maybe')`,
    ],
    [
      'renewals',
      'status',
      `insert into renewals (account_id, renewal_date, atr_cents, forecast_cents, risk_category, status) values ('acc-1', '2026-01-01', 1, 1, 'will_renew', 'pending')`,
    ],
    [
      'program_sessions',
      'kind',
      `insert into program_sessions (kind, title, held_on) values ('meetup', 't', '2025-01-01')`,
    ],
    [
      'health_overrides',
      'color',
      `insert into health_overrides (account_id, color, reason, author_id) values ('acc-1', 'blue', 'r', 'tm-1')`,
    ],
  ])('rejects a bad %s.%s with an error naming the column', async (table, column, statement) => {
    await expect(sql.raw(statement).execute(db)).rejects.toThrow(new RegExp(`${table}_${column}_check`));
  });

  it('rejects bad objective, milestone and deliverable values', async () => {
    const plan = await db
      .insertInto('success_plans')
      .values({ account_id: 'acc-1', status: 'active' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      sql`insert into sp_objectives (plan_id, title, status) values (${plan.id}, 't', 'done')`.execute(db),
    ).rejects.toThrow(/sp_objectives_status_check/);
    await expect(
      sql`insert into sp_objectives (plan_id, title, status, outcome_stage) values (${plan.id}, 't', 'on_track', 'shipped')`.execute(
        db,
      ),
    ).rejects.toThrow(/sp_objectives_outcome_stage_check/);
    const objective = await db
      .insertInto('sp_objectives')
      .values({ plan_id: plan.id, title: 't', status: 'on_track' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      sql`insert into sp_milestones (objective_id, title, status, progress_pct) values (${objective.id}, 't', 'in_progress', 101)`.execute(
        db,
      ),
    ).rejects.toThrow(/sp_milestones_progress_pct_check/);
    const engagement = await db
      .insertInto('engagements')
      .values({ account_id: 'acc-1', kind: 'workshop', status: 'active' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      sql`insert into deliverables (engagement_id, title, due_date, status) values (${engagement.id}, 't', '2025-01-01', 'late')`.execute(
        db,
      ),
    ).rejects.toThrow(/deliverables_status_check/);
  });

  it('logs insert, update and delete of every facts table with the account it belongs to', async () => {
    const plan = await db
      .insertInto('success_plans')
      .values({ account_id: 'acc-1', status: 'active' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const objective = await db
      .insertInto('sp_objectives')
      .values({ plan_id: plan.id, title: 'o', status: 'on_track' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const engagement = await db
      .insertInto('engagements')
      .values({ account_id: 'acc-2', kind: 'workshop', status: 'active' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const session = await db
      .insertInto('program_sessions')
      .values({ kind: 'webinar', title: 'w', held_on: '2025-05-01' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.deleteFrom('change_log').execute();

    // [table, insert statement, account it must be attributed to, an update of the new row]
    const cases: [string, string, string, string][] = [
      [
        'arr_movements',
        `insert into arr_movements (account_id, kind, amount_cents, effective_date) values ('acc-1', 'new', 100, '2025-01-01')`,
        'acc-1',
        "note = 'n'",
      ],
      ['usage_snapshots', usageSql({}), 'acc-1', 'billable_users = 2'],
      [
        'timeline_entries',
        `insert into timeline_entries (account_id, kind, occurred_at, personas, summary) values ('acc-2', 'call', now(), '{dev_lead}', 's')`,
        'acc-2',
        "summary = 'u'",
      ],
      [
        'support_tickets',
        `insert into support_tickets (account_id, severity, opened_at, subject) values ('acc-2', 'emergency', now(), 's')`,
        'acc-2',
        'closed_at = opened_at',
      ],
      [
        'sp_objectives',
        `insert into sp_objectives (plan_id, title, status) values (${plan.id}, 't', 'not_started')`,
        'acc-1',
        "status = 'watchpoint'",
      ],
      [
        'sp_milestones',
        `insert into sp_milestones (objective_id, title, status) values (${objective.id}, 'm', 'done')`,
        'acc-1',
        'progress_pct = 50',
      ],
      [
        'deliverables',
        `insert into deliverables (engagement_id, title, due_date, status) values (${engagement.id}, 'd', '2025-01-01', 'open')`,
        'acc-2',
        "status = 'delivered'",
      ],
      [
        'doc_updates',
        `insert into doc_updates (engagement_id, url, updated_on) values (${engagement.id}, 'https://d', '2025-01-01')`,
        'acc-2',
        "url = 'https://e'",
      ],
      [
        'surveys',
        `insert into surveys (account_id, engagement_id, kind, sent_on) values ('acc-2', ${engagement.id}, 'csat', '2025-01-01')`,
        'acc-2',
        'score = 5',
      ],
      [
        'renewals',
        `insert into renewals (account_id, renewal_date, atr_cents, forecast_cents, risk_category) values ('acc-1', '2026-01-01', 1, 1, 'will_renew')`,
        'acc-1',
        'forecast_cents = 2',
      ],
      [
        'program_attendance',
        `insert into program_attendance (session_id, account_id, attendees) values (${session.id}, 'acc-2', 3)`,
        'acc-2',
        'attendees = 4',
      ],
      [
        'health_overrides',
        `insert into health_overrides (account_id, color, reason, author_id) values ('acc-1', 'red', 'escalation', 'tm-1')`,
        'acc-1',
        "reason = 'still escalated'",
      ],
    ];
    for (const [table, statement, accountId, update] of cases) {
      await db.deleteFrom('change_log').execute();
      await sql.raw(statement).execute(db);
      const newest = `id = (select max(id) from ${table})`;
      await sql.raw(`update ${table} set ${update} where ${newest}`).execute(db);
      await sql.raw(`delete from ${table} where ${newest}`).execute(db);
      const rows = await changeLog();
      expect(
        rows.map((row) => [row.table_name, row.op, row.account_id]),
        table,
      ).toEqual([
        [table, 'INSERT', accountId],
        [table, 'UPDATE', accountId],
        [table, 'DELETE', accountId],
      ]);
    }
  });

  it('logs updates, and a row moved to another account dirties both accounts', async () => {
    await db
      .insertInto('renewals')
      .values({
        account_id: 'acc-1',
        renewal_date: '2026-01-01',
        atr_cents: 1,
        forecast_cents: 1,
        risk_category: 'will_renew',
      })
      .execute();
    await db.deleteFrom('change_log').execute();
    await db.updateTable('renewals').set({ forecast_cents: 5 }).execute();
    await db.updateTable('renewals').set({ account_id: 'acc-2' }).execute();
    expect((await changeLog()).map((row) => [row.op, row.account_id])).toEqual([
      ['UPDATE', 'acc-1'],
      ['UPDATE', 'acc-1'],
      ['UPDATE', 'acc-2'],
    ]);
  });

  it('logs accounts by id, team members by member id, and program sessions for each attendee', async () => {
    await db.updateTable('accounts').set({ licensed_seats: 99 }).where('id', '=', 'acc-2').execute();
    await db.updateTable('team_members').set({ title: 'Staff CSM' }).where('id', '=', 'tm-1').execute();
    const session = await db
      .insertInto('program_sessions')
      .values({ kind: 'hands_on_lab', title: 'lab', held_on: '2025-05-01' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('program_attendance')
      .values([
        { session_id: session.id, account_id: 'acc-1', attendees: 2 },
        { session_id: session.id, account_id: 'acc-2', attendees: 1 },
      ])
      .execute();
    await db.deleteFrom('change_log').execute();
    await db.updateTable('program_sessions').set({ title: 'Lab: CI' }).execute();
    const rows = await changeLog();
    expect(rows.map((row) => [row.table_name, row.account_id]).sort()).toEqual([
      ['program_sessions', 'acc-1'],
      ['program_sessions', 'acc-2'],
    ]);
    await db.deleteFrom('change_log').execute();
    await db.updateTable('team_members').set({ title: 'Principal' }).where('id', '=', 'tm-2').execute();
    expect(await changeLog()).toEqual([
      { account_id: null, table_name: 'team_members', op: 'UPDATE', member_id: 'tm-2' },
    ]);
  });

  it('stamps each change with the writing transaction id, visible to snapshots once committed', async () => {
    const { xid, log } = await db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ licensed_seats: 7 }).where('id', '=', 'acc-1').execute();
      const current = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(trx);
      const logged = await trx
        .selectFrom('change_log')
        .select('xid')
        .where('account_id', '=', 'acc-1')
        .executeTakeFirstOrThrow();
      return { xid: current.rows[0]!.xid, log: logged.xid };
    });
    expect(log).toBe(xid);
    const settled = await sql<{ settled: boolean }>`
      select bool_and(pg_visible_in_snapshot(xid, pg_current_snapshot())) as settled from change_log`.execute(
      db,
    );
    expect(settled.rows[0]!.settled).toBe(true);
  });

  it('records owner history on insert and whenever an owner changes', async () => {
    await db
      .updateTable('accounts')
      .set({ csm_id: null, cse_id: 'tm-2' })
      .where('id', '=', 'acc-1')
      .execute();
    await db.updateTable('accounts').set({ licensed_seats: 3 }).where('id', '=', 'acc-1').execute();
    const history = await db
      .selectFrom('account_owner_history')
      .select(['role', 'member_id'])
      .where('account_id', '=', 'acc-1')
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      { role: 'csm', member_id: 'tm-1' },
      { role: 'csm', member_id: null },
      { role: 'cse', member_id: 'tm-2' },
    ]);
  });

  it('rings the pulse_changes doorbell with an empty payload on commit', async () => {
    const payloads: string[] = [];
    const unlisten = await testDb.database.listen('pulse_changes', (payload) => payloads.push(payload));
    try {
      await db.updateTable('accounts').set({ licensed_seats: 11 }).execute();
      await expect.poll(() => payloads.length, { timeout: 5000 }).toBeGreaterThan(0);
      expect(new Set(payloads)).toEqual(new Set(['']));
    } finally {
      await unlisten();
    }
  });

  it('cascades the deletion of an account to its facts', async () => {
    await db
      .insertInto('arr_movements')
      .values({ account_id: 'acc-1', kind: 'new', amount_cents: 500, effective_date: '2025-01-01' })
      .execute();
    await db.deleteFrom('accounts').where('id', '=', 'acc-1').execute();
    const left = await db.selectFrom('arr_movements').select('id').execute();
    expect(left).toEqual([]);
  });
});

function account(id: string) {
  return {
    id,
    name: `Account ${id}`,
    segment: 'enterprise',
    region: 'emea',
    success_tier: 'advanced',
    plan_tier: 'ultimate',
    priority: 1,
    lifecycle_stage: 'adopting',
    csm_id: 'tm-1',
    licensed_seats: 100,
    contract_start: '2024-03-01',
  } as const;
}

function accountSql(overrides: Record<string, string>): string {
  const values: Record<string, string> = {
    id: "'bad'",
    name: "'Bad'",
    segment: "'smb'",
    region: "'emea'",
    success_tier: "'essentials'",
    plan_tier: "'premium'",
    priority: '1',
    lifecycle_stage: "'adopting'",
    licensed_seats: '10',
    contract_start: "'2024-01-01'",
  };
  for (const [column, value] of Object.entries(overrides))
    values[column] = /^-?\d+$/.test(value) ? value : `'${value}'`;
  return `insert into accounts (${Object.keys(values).join(', ')}) values (${Object.values(values).join(', ')})`;
}

function usageSql(overrides: Record<string, string>): string {
  const columns = [
    'billable_users',
    'active_users_28d',
    'git_operation_users',
    'ci_builds',
    'ci_pipelines',
    'scanner_users',
    'scans',
    'scanner_types',
    'deploying_users',
    'deployments',
    'successful_deployments',
    'issue_users',
    'epic_users',
  ];
  const values = columns.map((column) => overrides[column] ?? '1');
  return `insert into usage_snapshots (account_id, measured_on, ${columns.join(', ')}) values ('acc-1', '2025-01-01', ${values.join(', ')})`;
}
