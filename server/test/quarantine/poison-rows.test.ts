import type { AccountDetail, AccountListPage } from '@pulse/protocol';
import { LiveClient, type TopicStream } from '@pulse/protocol';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/api/health.controller.js';
import type { Database } from '../../src/database/database.types.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.service.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';
import { waitFor } from '../live/live-harness.js';

/** A value an outside writer stored before the range checks existed, and the write that fixes it. */
interface PoisonCase {
  name: string;
  /** Constraints an old database does not have yet (dropped to simulate it). */
  missing: string[];
  table: string;
  column: string;
  /** Stores the bad value for `account`, returning the row's id. */
  poison(db: Kysely<Database>, account: AccountDetail): Promise<string>;
  fix(db: Kysely<Database>, rowId: string): Promise<void>;
  /** What the page shows as the stored value. */
  shownValue: RegExp;
}

const returningId = async (db: Kysely<Database>, statement: string) =>
  String((await sql.raw<{ id: number }>(statement).execute(db)).rows[0]!.id);

const POISON_CASES: PoisonCase[] = [
  {
    name: "an override expiring at 'infinity'",
    missing: ['health_overrides_expires_at_range'],
    table: 'health_overrides',
    column: 'expires_at',
    poison: (db, account) =>
      returningId(
        db,
        `insert into health_overrides (account_id, color, reason, author_id, expires_at)
         values ('${account.account.id}', 'yellow', 'watch', '${account.account.csmId}', 'infinity') returning id`,
      ),
    fix: async (db, id) => {
      await sql
        .raw(`update health_overrides set expires_at = now() + interval '7 days' where id = ${id}`)
        .execute(db);
    },
    shownValue: /^infinity$/,
  },
  {
    name: 'a call in the year 294276',
    missing: ['timeline_entries_occurred_at_range'],
    table: 'timeline_entries',
    column: 'occurred_at',
    poison: (db, account) =>
      returningId(
        db,
        `insert into timeline_entries (account_id, author_id, kind, occurred_at, summary)
         values ('${account.account.id}', '${account.account.csmId}', 'call', '294276-12-31', 'typo') returning id`,
      ),
    fix: async (db, id) => {
      await sql
        .raw(`update timeline_entries set occurred_at = now() - interval '1 day' where id = ${id}`)
        .execute(db);
    },
    shownValue: /^294276-12-31/,
  },
  {
    name: 'a negative count of CI builds',
    missing: ['usage_snapshots_counts_check', 'usage_snapshots_ci_builds_range'],
    table: 'usage_snapshots',
    column: 'ci_builds',
    poison: (db, account) =>
      returningId(
        db,
        `update usage_snapshots set ci_builds = -5 where id = (
           select max(id) from usage_snapshots where account_id = '${account.account.id}') returning id`,
      ),
    fix: async (db, id) => {
      await sql.raw(`update usage_snapshots set ci_builds = 40 where id = ${id}`).execute(db);
    },
    shownValue: /^-5$/,
  },
  {
    name: 'ARR beyond 2^53 cents',
    missing: ['arr_movements_amount_cents_range'],
    table: 'arr_movements',
    column: 'amount_cents',
    poison: (db, account) =>
      returningId(
        db,
        `insert into arr_movements (account_id, kind, amount_cents, effective_date)
         values ('${account.account.id}', 'expansion', 9007199254740993, current_date - 1) returning id`,
      ),
    fix: async (db, id) => {
      await sql.raw(`update arr_movements set amount_cents = 1000000 where id = ${id}`).execute(db);
    },
    shownValue: /^900719925474099\d$/,
  },
  {
    name: 'two billion licensed seats',
    missing: ['accounts_licensed_seats_range'],
    table: 'accounts',
    column: 'licensed_seats',
    poison: async (db, account) => {
      await sql
        .raw(`update accounts set licensed_seats = 2000000000 where id = '${account.account.id}'`)
        .execute(db);
      return account.account.id;
    },
    fix: async (db, id) => {
      await sql.raw(`update accounts set licensed_seats = 500 where id = '${id}'`).execute(db);
    },
    shownValue: /^2000000000$/,
  },
];

/**
 * A row the server cannot read, stored by an outside writer into a database older than the range
 * checks, freezes only its own account: every other account keeps flowing to subscribed screens,
 * the frozen one is visible (page, health, metric), and fixing the row recovers it by itself.
 */
describe.each(TEST_DRIVERS)('poison rows on %s', (driver) => {
  let pulse: TestApp;
  let client: LiveClient;
  /** The account the poison goes into, and one that must stay live (it logs sentiment). */
  let poisoned: AccountDetail;
  let bystander: AccountDetail;
  /** An account whose scoring throws for a reason other than an unreadable fact. */
  let crashing: AccountDetail;
  let poisonedStream: TopicStream<AccountDetail>;
  let bystanderStream: TopicStream<AccountDetail>;
  let sentimentRed = false;

  const db = () => pulse.database.db;
  const detail = async (id: string) => pulse.get<AccountDetail>(`/api/accounts/${id}`);
  const metric = async () => {
    const text = await (await fetch(`${pulse.baseUrl}/metrics`)).text();
    return Number(/^pulse_quarantined_accounts (\d+)$/m.exec(text)?.[1]);
  };

  /** A sentiment entry for the bystander, flipping its colour between red and its score's colour. */
  const bystanderSentiment = () => {
    sentimentRed = !sentimentRed;
    return sql.raw(
      `insert into timeline_entries (account_id, author_id, kind, occurred_at, sentiment, summary)
       values ('${bystander.account.id}', '${bystander.account.csmId}', 'call', now(),
               '${sentimentRed ? 'red' : 'green'}', 'check-in')`,
    );
  };
  const bystanderShowsLatestSentiment = () =>
    (bystanderStream.view.state?.scorecard.colorCause === 'sentiment_override') === sentimentRed;

  beforeAll(async () => {
    pulse = await startTestApp(driver);
    const list = await pulse.get<AccountListPage>('/api/accounts?color=green&limit=500');
    const candidates: AccountDetail[] = [];
    for (const item of list.body.items) {
      const { body } = await detail(item.id);
      const sentimentCounts = ['essentials', 'advanced', 'signature'].includes(body.account.successTier);
      if (sentimentCounts && body.account.csmId && body.scorecard.colorCause === 'score')
        candidates.push(body);
      if (candidates.length === 2) break;
    }
    expect(candidates, 'two green CSM-tier accounts in the demo').toHaveLength(2);
    [poisoned, bystander] = candidates as [AccountDetail, AccountDetail];
    const others = list.body.items.filter(
      (item) => item.id !== poisoned.account.id && item.id !== bystander.account.id,
    );
    crashing = (await detail(others[0]!.id)).body;
    const usage = await sql<{ n: number }>`
      select count(*)::int as n from usage_snapshots where account_id = ${poisoned.account.id}`.execute(db());
    expect(usage.rows[0]!.n, 'the poisoned account has usage snapshots').toBeGreaterThan(0);
    client = pulse.liveClient();
    poisonedStream = client.subscribe<AccountDetail>(`account:${poisoned.account.id}`);
    bystanderStream = client.subscribe<AccountDetail>(`account:${bystander.account.id}`);
    await waitFor(
      () => poisonedStream.view.status === 'live' && bystanderStream.view.status === 'live',
      'snapshots',
      30_000,
    );
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await pulse?.stop();
  });

  it.each(POISON_CASES)(
    'quarantines only its account for $name, and recovers once the row is fixed',
    async (poison) => {
      for (const constraint of poison.missing) {
        await sql.raw(`alter table ${poison.table} drop constraint if exists ${constraint}`).execute(db());
      }
      const frozenScore = (await detail(poisoned.account.id)).body.scorecard;

      // One transaction, so the poison and the bystander's write reach the server in one batch.
      const rowId = await db()
        .transaction()
        .execute(async (trx) => {
          const id = await poison.poison(trx, poisoned);
          await bystanderSentiment().execute(trx);
          return id;
        });

      await waitFor(bystanderShowsLatestSentiment, 'the bystander updated live', 15_000);
      await waitFor(
        () => poisonedStream.view.state?.quarantine != null,
        'quarantine on the account topic',
        15_000,
      );

      const page = await detail(poisoned.account.id);
      expect(page.status).toBe(200);
      expect(page.body.scorecard).toEqual(frozenScore);
      expect(page.body.quarantine).toMatchObject({ table: poison.table, rowId, column: poison.column });
      expect(page.body.quarantine?.value).toMatch(poison.shownValue);
      expect(page.body.quarantine?.reason).toContain(poison.column);
      expect(Date.parse(page.body.quarantine?.since ?? '')).toBeGreaterThan(Date.now() - 60_000);

      const health = await pulse.get<HealthReport>('/api/health');
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('ok');
      expect(health.body.quarantine?.count).toBe(1);
      expect(health.body.quarantine?.accounts[0]).toMatchObject({
        accountId: poisoned.account.id,
        table: poison.table,
        rowId,
      });
      expect(await metric()).toBe(1);

      // The periodic full pass goes around it too, and a later write to another account still flows.
      await pulse.app.get(LivePipeline).rescoreAll();
      expect((await detail(poisoned.account.id)).body.quarantine?.table).toBe(poison.table);
      await bystanderSentiment().execute(db());
      await waitFor(bystanderShowsLatestSentiment, 'the bystander updated after the full pass', 15_000);

      await poison.fix(db(), rowId);

      await waitFor(() => poisonedStream.view.state?.quarantine === null, 'the account recovering', 15_000);
      const recovered = await detail(poisoned.account.id);
      expect(recovered.status).toBe(200);
      expect(recovered.body.quarantine).toBeNull();
      expect(Date.parse(recovered.body.scorecard.asOf)).toBeGreaterThan(Date.parse(frozenScore.asOf));
      expect((await pulse.get<HealthReport>('/api/health')).body.quarantine?.count).toBe(0);
      expect(await metric()).toBe(0);
    },
    90_000,
  );

  it('retries an account whose scoring throws alone, quarantines it after the set attempts, and recovers on a retry', async () => {
    const id = crashing.account.id;
    const stored = await sql<{ scorecard: unknown }>`
      select scorecard from account_scores where account_id = ${id}`.execute(db());
    // A stored scorecard the engine chokes on when comparing the new score with it.
    await sql`update account_scores set scorecard = '{"score": -1, "color": "green"}' where account_id = ${id}`.execute(
      db(),
    );

    await db()
      .transaction()
      .execute(async (trx) => {
        await sql`insert into timeline_entries (account_id, kind, occurred_at, summary)
          values (${id}, 'note', now(), 'noted')`.execute(trx);
        await bystanderSentiment().execute(trx);
      });
    await waitFor(bystanderShowsLatestSentiment, 'the bystander updated live', 15_000);

    let page = await detail(id);
    for (const deadline = Date.now() + 20_000; !page.body.quarantine && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      page = await detail(id);
    }
    expect(page.status).toBe(200);
    expect(page.body.quarantine).toMatchObject({ table: null, rowId: null, column: null });
    expect(page.body.quarantine?.attempts).toBeGreaterThanOrEqual(3);
    expect(page.body.quarantine?.reason).toMatch(/\S/);
    expect((await pulse.get<HealthReport>('/api/health')).body.quarantine?.count).toBe(1);

    // Nothing about it reaches the change feed: the next retry alone finds it scorable again.
    await sql`update account_scores set scorecard = ${JSON.stringify(stored.rows[0]!.scorecard)}::jsonb
      where account_id = ${id}`.execute(db());
    for (const deadline = Date.now() + 30_000; page.body.quarantine && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      page = await detail(id);
    }
    expect(page.body.quarantine).toBeNull();
    expect(await metric()).toBe(0);
  }, 60_000);

  it('keeps the quarantine visible across a restart, and still recovers once the row is fixed', async () => {
    const [infinity] = POISON_CASES as [PoisonCase];
    await sql
      .raw('alter table health_overrides drop constraint if exists health_overrides_expires_at_range')
      .execute(db());
    const rowId = await infinity.poison(db(), poisoned);
    await waitFor(
      () => poisonedStream.view.state?.quarantine != null,
      'quarantine on the account topic',
      15_000,
    );

    await pulse.close();
    await pulse.start();

    const health = await pulse.get<HealthReport>('/api/health');
    expect(health.status).toBe(200);
    expect(health.body.quarantine?.accounts).toEqual([
      expect.objectContaining({ accountId: poisoned.account.id, table: 'health_overrides', rowId }),
    ]);
    expect((await detail(poisoned.account.id)).body.quarantine?.column).toBe('expires_at');

    await infinity.fix(db(), rowId);
    let page = await detail(poisoned.account.id);
    for (const deadline = Date.now() + 20_000; page.body.quarantine && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      page = await detail(poisoned.account.id);
    }
    expect(page.body.quarantine).toBeNull();
    expect(await metric()).toBe(0);
  }, 120_000);
});
