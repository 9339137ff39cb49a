import type { AccountDetail } from '@pulse/protocol';
import { LiveClient, type TopicStream } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';
import { waitFor } from '../live/live-harness.js';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    rows?: { index: number; field?: string; reason: string }[];
  };
}
interface IngestResult {
  table: string;
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

async function waitForAsync(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ACCOUNT = 'ingest-acct-1';
const CSM = 'ingest-csm-1';
const CSE = 'ingest-cse-1';
const today = new Date().toISOString().slice(0, 10);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** One valid batch per facts table, parents first, all about one new account. */
const BATCHES: [table: string, rows: Record<string, unknown>[]][] = [
  [
    'team_members',
    [
      { id: CSM, name: 'Ingrid Ingest', email: 'ingrid.ingest@example.com', role: 'csm', region: 'emea' },
      { id: CSE, name: 'Emil Ingest', email: 'emil.ingest@example.com', role: 'cse', region: 'emea' },
    ],
  ],
  [
    'accounts',
    [
      {
        id: ACCOUNT,
        name: 'Ingestion Ltd',
        segment: 'enterprise',
        region: 'emea',
        success_tier: 'advanced',
        plan_tier: 'ultimate',
        lifecycle_stage: 'adopting',
        primary_use_case: 'ci',
        csm_id: CSM,
        cse_id: CSE,
        licensed_seats: 500,
        contract_start: daysAgo(400),
        renewal_date: daysAgo(-120),
      },
    ],
  ],
  [
    'arr_movements',
    [
      {
        external_id: 'arr-1',
        account_id: ACCOUNT,
        kind: 'new',
        amount_cents: 12_000_000,
        effective_date: daysAgo(400),
      },
    ],
  ],
  [
    'usage_snapshots',
    [
      {
        account_id: ACCOUNT,
        measured_on: daysAgo(1),
        billable_users: 480,
        active_users_28d: 400,
        git_operation_users: 390,
        ci_builds: 9000,
        ci_pipelines: 3000,
        scanner_users: 50,
        scans: 800,
        scanner_types: 3,
        deploying_users: 40,
        deployments: 700,
        successful_deployments: 650,
        issue_users: 300,
        epic_users: 20,
      },
    ],
  ],
  [
    'timeline_entries',
    [
      {
        external_id: 'tl-1',
        account_id: ACCOUNT,
        author_id: CSM,
        kind: 'ebr',
        occurred_at: `${daysAgo(3)}T10:00:00Z`,
        sentiment: 'green',
        personas: ['executive', 'champion'],
        summary: 'EBR: renewal looks good',
      },
    ],
  ],
  [
    'support_tickets',
    [
      {
        external_id: 'zd-1',
        account_id: ACCOUNT,
        severity: 'high',
        opened_at: `${daysAgo(2)}T08:00:00Z`,
        subject: 'Runner down',
      },
    ],
  ],
  [
    'success_plans',
    [
      {
        account_id: ACCOUNT,
        status: 'active',
        has_strategy: true,
        has_highlights: true,
        updated_at: `${daysAgo(5)}T12:00:00Z`,
      },
    ],
  ],
  [
    'sp_objectives',
    [
      {
        external_id: 'obj-1',
        account_id: ACCOUNT,
        title: 'Adopt CI',
        use_case: 'ci',
        status: 'on_track',
        due_date: daysAgo(-60),
      },
    ],
  ],
  [
    'sp_milestones',
    [
      {
        external_id: 'ms-1',
        objective_external_id: 'obj-1',
        title: 'First pipeline',
        status: 'in_progress',
        progress_pct: 40,
      },
    ],
  ],
  [
    'engagements',
    [
      {
        external_id: 'eng-1',
        account_id: ACCOUNT,
        cse_id: CSE,
        kind: 'workshop',
        status: 'completed',
        started_on: daysAgo(30),
        completed_on: daysAgo(20),
      },
    ],
  ],
  [
    'deliverables',
    [
      {
        external_id: 'del-1',
        engagement_external_id: 'eng-1',
        title: 'Pipeline template',
        due_date: daysAgo(22),
        delivered_on: daysAgo(21),
        status: 'delivered',
      },
    ],
  ],
  [
    'doc_updates',
    [
      {
        external_id: 'doc-1',
        engagement_external_id: 'eng-1',
        url: 'https://docs.example.com/ci',
        updated_on: daysAgo(20),
      },
    ],
  ],
  [
    'surveys',
    [
      {
        external_id: 'csat-1',
        account_id: ACCOUNT,
        engagement_external_id: 'eng-1',
        kind: 'csat',
        sent_on: daysAgo(19),
        responded_on: daysAgo(18),
        score: 5,
      },
    ],
  ],
  [
    'renewals',
    [
      {
        external_id: 'opp-1',
        account_id: ACCOUNT,
        renewal_date: daysAgo(-120),
        atr_cents: 12_000_000,
        forecast_cents: 12_000_000,
        risk_category: 'will_renew',
      },
    ],
  ],
  [
    'program_sessions',
    [{ external_id: 'web-1', kind: 'webinar', title: 'CI basics', use_case: 'ci', held_on: daysAgo(10) }],
  ],
  ['program_attendance', [{ session_external_id: 'web-1', account_id: ACCOUNT, attendees: 7 }]],
  [
    'health_overrides',
    [
      {
        external_id: 'ovr-1',
        account_id: ACCOUNT,
        color: 'yellow',
        reason: 'Exec sponsor left',
        author_id: CSM,
        created_at: `${today}T00:00:00Z`,
      },
    ],
  ],
];

/**
 * REST ingest through the whole server: each facts table takes a batch that reaches a subscribed
 * client, a repeated batch changes nothing (not even the change log), and refused batches write
 * nothing and say which row, field and reason.
 */
describe.each(TEST_DRIVERS)('REST ingest on %s', (driver) => {
  let pulse: TestApp;
  let client: LiveClient;
  let account: TopicStream<AccountDetail>;

  const post = <T>(table: string, body: unknown, headers: Record<string, string> = {}) =>
    pulse.request<T>(`/api/ingest/${table}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const changeLogSize = async () =>
    Number(
      (
        await pulse.database.db
          .selectFrom('change_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    pulse = await startTestApp(driver);
    client = pulse.liveClient();
  }, 180_000);

  afterAll(async () => {
    client?.close();
    await pulse?.stop();
  });

  it('writes a valid batch of every facts table, and each reaches a subscribed client', async () => {
    expect(BATCHES.map(([table]) => table).sort()).toEqual(
      (await pulse.get<{ name: string }[]>('/api/ingest')).body.map((table) => table.name).sort(),
    );
    for (const [table, rows] of BATCHES) {
      const before = account?.view.seq ?? 0;
      const { status, body } = await post<IngestResult>(table, rows);
      expect({ table, status, body }).toEqual({
        table,
        status: 200,
        body: { table, received: rows.length, inserted: rows.length, updated: 0, unchanged: 0 },
      });
      if (table === 'accounts') {
        // A topic for an account the pipeline has not scored yet is refused: wait until it has.
        await waitForAsync(
          async () => (await pulse.get(`/api/accounts/${ACCOUNT}`)).status === 200,
          'the account scored',
        );
        account = client.subscribe<AccountDetail>(`account:${ACCOUNT}`);
        await waitFor(
          () => account.view.status === 'live' && account.view.state?.account.name === 'Ingestion Ltd',
          'the new account on the client',
          20_000,
        );
      } else if (account && table !== 'program_sessions') {
        // (A session nobody attended yet is on no screen; its attendance, next, is.)
        await waitFor(() => account.view.seq > before, `${table} reaching the account's subscriber`, 20_000);
      }
    }
    const detail = account.view.state as AccountDetail;
    expect(detail.account.name).toBe('Ingestion Ltd');
    expect(detail.renewals.map((renewal) => renewal.atrCents)).toEqual([12_000_000]);
    expect(detail.successPlan?.status).toBe('active');
  }, 120_000);

  it('changes nothing when the same batch comes again, and updates a row whose values differ', async () => {
    const logged = await changeLogSize();
    for (const [table, rows] of BATCHES) {
      const { status, body } = await post<IngestResult>(table, rows);
      expect({ table, status, body }).toEqual({
        table,
        status: 200,
        body: { table, received: rows.length, inserted: 0, updated: 0, unchanged: rows.length },
      });
    }
    expect(await changeLogSize()).toBe(logged);

    const [, [ticket]] = BATCHES.find(([table]) => table === 'support_tickets') as [
      string,
      Record<string, unknown>[],
    ];
    const closed = await post<IngestResult>('support_tickets', [
      { ...ticket, closed_at: `${daysAgo(1)}T08:00:00Z` },
    ]);
    expect(closed.body).toMatchObject({ inserted: 0, updated: 1 });
    const rows = await pulse.database.db
      .selectFrom('support_tickets')
      .select(['closed_at'])
      .where('external_id', '=', 'zd-1')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.closed_at).not.toBeNull();
  });

  it('refuses a batch with bad rows as a whole: 422 naming each row, field and reason', async () => {
    const logged = await changeLogSize();
    const good = (id: string) => ({
      external_id: id,
      account_id: ACCOUNT,
      kind: 'expansion',
      amount_cents: 100_000,
      effective_date: today,
    });
    const { status, body } = await post<ErrorBody>('arr_movements', [
      good('arr-ok-1'),
      { ...good('arr-bad-1'), amount_cents: -5 },
      good('arr-ok-2'),
      { ...good('arr-bad-2'), account_id: 'no-such-account', kind: 'gift' },
      { ...good('arr-bad-3'), effective_date: '27/11/2026', extra: 1 },
    ]);
    expect(status).toBe(422);
    expect(body.error.code).toBe('invalid_rows');
    expect(body.error.rows?.map(({ index, field }) => [index, field])).toEqual([
      [1, 'amount_cents'],
      [3, 'kind'],
      [4, 'effective_date'],
      [4, 'extra'],
    ]);
    expect(body.error.rows?.[0]?.reason).toMatch(/>=\s*1/);
    expect(body.error.message).toMatch(/row 1 amount_cents/);
    // Missing references are found once the row itself is valid.
    const unknown = await post<ErrorBody>('arr_movements', [
      good('arr-ok-3'),
      { ...good('arr-bad-4'), account_id: 'no-such-account' },
    ]);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.rows).toEqual([
      { index: 1, field: 'account_id', reason: "account 'no-such-account' does not exist" },
    ]);
    const twice = await post<ErrorBody>('arr_movements', [good('arr-dup'), good('arr-dup')]);
    expect(twice.body.error.rows).toEqual([
      { index: 1, field: 'external_id', reason: 'same external_id as row 0' },
    ]);
    const orphan = await post<ErrorBody>('deliverables', [
      {
        external_id: 'del-x',
        engagement_external_id: 'no-such-eng',
        title: 'x',
        due_date: today,
        status: 'open',
      },
    ]);
    expect(orphan.body.error.rows).toEqual([
      { index: 0, field: 'engagement_external_id', reason: "engagement 'no-such-eng' does not exist" },
    ]);

    const written = await pulse.database.db
      .selectFrom('arr_movements')
      .select('external_id')
      .where('external_id', 'like', 'arr-ok-%')
      .execute();
    expect(written).toEqual([]);
    expect(await changeLogSize()).toBe(logged);
  });

  it('answers malformed JSON, a wrong content type, an unknown table, a non-array and an oversize body with a clear 4xx', async () => {
    const malformed = await post<ErrorBody>('accounts', '[{"id": ');
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'invalid_json']);
    const csv = await pulse.request<ErrorBody>('/api/ingest/accounts', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'id\nx',
    });
    expect([csv.status, csv.body.error.field]).toEqual([415, 'Content-Type']);
    const unknown = await post<ErrorBody>('invoices', []);
    expect([unknown.status, unknown.body.error.field]).toEqual([404, 'table']);
    expect(unknown.body.error.message).toMatch(/not a facts table \(one of: team_members, accounts/);
    const object = await post<ErrorBody>('accounts', { id: 'x' });
    expect([object.status, object.body.error.message]).toEqual([400, 'body: must be a JSON array of rows']);
    const huge = await post<ErrorBody>('accounts', `[${'"x",'.repeat(5_000_000)}"x"]`);
    expect([huge.status, huge.body.error.code]).toEqual([413, 'payload_too_large']);
  });

  it('answers a retried request with the same Idempotency-Key as the first time, and refuses the key for other data', async () => {
    const row = {
      external_id: 'idem-1',
      account_id: ACCOUNT,
      kind: 'expansion',
      amount_cents: 250_000,
      effective_date: today,
    };
    const key = { 'idempotency-key': `key-${driver}-1` };
    const first = await post<IngestResult>('arr_movements', [row], key);
    expect(first.body).toMatchObject({ inserted: 1 });
    const logged = await changeLogSize();
    const again = await post<IngestResult>('arr_movements', [row], key);
    expect(again).toEqual(first);
    expect(await changeLogSize()).toBe(logged);
    const other = await post<ErrorBody>('arr_movements', [{ ...row, amount_cents: 1 }], key);
    expect([other.status, other.body.error.code]).toEqual([422, 'idempotency_key_reused']);
  });

  it('documents one request schema per table in the OpenAPI document', async () => {
    const { body } = await pulse.get<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { required?: string[] }> };
    }>('/api/docs/json');
    for (const [table] of BATCHES) expect(body.paths).toHaveProperty([`/api/ingest/${table}`]);
    expect(body.components.schemas.SupportTicketsRow?.required).toEqual([
      'external_id',
      'account_id',
      'severity',
      'opened_at',
      'subject',
    ]);
    expect(body.components.schemas.ApiError).toBeDefined();
  });
});
