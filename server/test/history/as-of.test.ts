import type { RenewalsView, TeamView } from '@pulse/domain';
import type { AccountDetail } from '@pulse/protocol';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BriefComparison } from '../../src/briefs/briefs.service.js';
import type { CalibrationResponse } from '../../src/calibration/calibration.service.js';
import { HistoryRetentionService } from '../../src/history/history-retention.service.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';
import { anotherCsm, datedWrite, settle } from './history-harness.js';

interface Capture {
  /** An instant at which the live views below were current. */
  at: string;
  views: Record<string, TeamView | RenewalsView>;
  account: AccountDetail;
}

const VIEW_PATHS = ['cse', 'csm', 'csa', 'renewals', 'renewals?days=365'];

/**
 * Facts keep their history and every view can be asked as of a past instant (issue 14 points 1–2):
 * an account's owner, tier and forecast change step by step; after each step the live views are
 * captured, and at the end each view as of each captured instant must equal the capture.
 */
describe.each(TEST_DRIVERS)('views as of a past instant equal the live views then, on %s', (driver) => {
  let pulse: TestApp;
  let accountId: string;
  const captures: Capture[] = [];

  beforeAll(async () => {
    pulse = await startTestApp(driver, { demoAccounts: 60 });
  }, 180_000);

  afterAll(async () => {
    await pulse?.stop();
  });

  async function capture(): Promise<Capture> {
    const views: Capture['views'] = {};
    for (const path of VIEW_PATHS) {
      const { status, body } = await pulse.get<TeamView | RenewalsView>(`/api/kpis/${path}`);
      expect(status).toBe(200);
      views[path] = body;
    }
    const { body: account } = await pulse.get<AccountDetail>(`/api/accounts/${accountId}`);
    const at = new Date().toISOString();
    // The next write must come strictly after `at`.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { at, views, account };
  }

  it('keeps every version of the changed rows, and each view as of each step equals the live one', async () => {
    const db = pulse.database.db;
    const chosen = await sql<{ account_id: string; renewal_id: number; csm_id: string }>`
      select a.id as account_id, r.id as renewal_id, a.csm_id
      from accounts a join renewals r on r.account_id = a.id and r.status = 'open'
      where a.csm_id is not null and a.success_tier in ('essentials', 'advanced')
      order by a.id limit 1`.execute(db);
    const { account_id, renewal_id, csm_id } = chosen.rows[0]!;
    accountId = account_id;
    const otherCsm = { id: await anotherCsm(db, csm_id) };

    const accountVersions = () =>
      db
        .selectFrom('fact_history')
        .select(['valid_from', 'valid_to'])
        .where('table_name', '=', 'accounts')
        .where('row_id', '=', account_id)
        .orderBy('valid_from')
        .execute();
    // The demo seed tells the account's past: the steps below add to it.
    const seeded = (await accountVersions()).length;
    captures.push(await capture());
    const steps = [
      () => db.updateTable('accounts').set({ csm_id: otherCsm.id }).where('id', '=', account_id).execute(),
      () =>
        db.updateTable('accounts').set({ success_tier: 'signature' }).where('id', '=', account_id).execute(),
      () =>
        db
          .updateTable('renewals')
          .set({ forecast_cents: 1_00, risk_category: 'will_churn' })
          .where('id', '=', renewal_id)
          .execute(),
      () =>
        db
          .updateTable('accounts')
          .set({ lifecycle_stage: 'will_churn' })
          .where('id', '=', account_id)
          .execute(),
    ];
    for (const step of steps) {
      await step();
      await settle(pulse);
      captures.push(await capture());
    }

    // What changed is kept with its validity: one more version per change of the account row.
    const versions = await accountVersions();
    expect(versions).toHaveLength(seeded + 3);
    expect(versions.filter((v) => v.valid_to === null)).toHaveLength(1);
    // The live views did change along the way (else the comparison below would prove little).
    expect(captures[0]!.account.owners.csm?.id).toBe(csm_id);
    expect(captures[1]!.account.owners.csm?.id).toBe(otherCsm.id);
    expect(captures[4]!.account.scorecard.colorCause).toBe('will_churn');
    expect(captures[0]!.views.csm).not.toEqual(captures[4]!.views.csm);

    for (const [step, past] of captures.entries()) {
      for (const path of VIEW_PATHS) {
        const separator = path.includes('?') ? '&' : '?';
        const { status, body } = await pulse.get(`/api/kpis/${path}${separator}asOf=${past.at}`);
        expect(status, `${path} as of step ${step}`).toBe(200);
        expect(body, `${path} as of step ${step}`).toEqual(past.views[path]);
      }
      // The page's scorecard and summary carry the instant they were computed at: ask at that one.
      const { body } = await pulse.get<AccountDetail>(
        `/api/accounts/${accountId}?asOf=${past.account.scorecard.asOf}`,
      );
      expect(body, `account page as of step ${step}`).toEqual(past.account);
    }
  }, 240_000);

  it('freezes a renewal brief at a checkpoint and shows it beside today, with what changed since', async () => {
    const post = (body: unknown) =>
      pulse.fetch(`/api/accounts/${accountId}/checkpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const refused = await post({ label: '  ' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { field: string } }).error.field).toBe('label');
    const created = await post({ label: 'Forecast call' });
    expect(created.status).toBe(201);
    const checkpoint = (await created.json()) as { id: number; takenAt: string };
    const { body: frozen } = await pulse.get<AccountDetail>(`/api/accounts/${accountId}`);

    // After the call the CSM logs red sentiment: the account turns red.
    const db = pulse.database.db;
    const { csm_id } = await db
      .selectFrom('accounts')
      .select('csm_id')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('accounts')
      .set({ lifecycle_stage: 'renewing' })
      .where('id', '=', accountId)
      .execute();
    await db
      .insertInto('timeline_entries')
      .values({
        account_id: accountId,
        author_id: csm_id,
        kind: 'call',
        occurred_at: new Date(),
        sentiment: 'red',
        summary: 'Sponsor left',
      })
      .execute();
    await settle(pulse);

    const { status, body } = await pulse.get<BriefComparison>(
      `/api/accounts/${accountId}/checkpoints/${checkpoint.id}`,
    );
    expect(status).toBe(200);
    // The frozen brief is the page as it stood at the checkpoint; today's is the live page.
    expect(body.then.scorecard.measures).toEqual(frozen.scorecard.measures);
    expect(body.then.account).toEqual(frozen.account);
    expect(body.now).toEqual((await pulse.get<AccountDetail>(`/api/accounts/${accountId}`)).body);
    expect(body.now.scorecard.colorCause).toBe('sentiment_override');
    expect(body.changes.measures.map((m) => m.key)).toContain('owner_sentiment');
    const listed = await pulse.get<{ id: number; label: string }[]>(`/api/accounts/${accountId}/checkpoints`);
    expect(listed.body.map((c) => [c.id, c.label])).toEqual([[checkpoint.id, 'Forecast call']]);
    expect((await pulse.get(`/api/accounts/${accountId}/checkpoints/999999`)).status).toBe(404);
  });

  it('refuses an asOf that is malformed, in the future, or before the history kept, naming the field', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const horizon = pulse.app.get(HistoryRetentionService).horizon();
    const tooOld = new Date(horizon.getTime() - 86_400_000).toISOString();
    for (const [asOf, reason] of [
      ['2026-02-30', 'is not a real date'],
      ['yesterday', 'is not a date (YYYY-MM-DD) or an ISO instant'],
      [tomorrow, 'is in the future'],
      [tooOld, 'the oldest history kept'],
    ] as const) {
      for (const path of ['/api/kpis/csm', `/api/accounts/${accountId}`]) {
        const { status, body } = await pulse.get<{ error: { code: string; field: string; message: string } }>(
          `${path}?asOf=${encodeURIComponent(asOf)}`,
        );
        expect(status, `${path} asOf=${asOf}`).toBe(400);
        expect(body.error.field).toBe('asOf');
        expect(body.error.message).toContain(reason);
      }
    }
  });

  it('calibrates the colours of past quarter starts against what followed, on the demo organisation', async () => {
    const { status, body } = await pulse.get<CalibrationResponse>('/api/calibration?quarters=8');
    expect(status).toBe(200);
    expect(body.quarters).toHaveLength(8);
    // Every sample is in one cell and in the colour × outcome totals.
    const cellTotal = body.cells.reduce((n, c) => n + c.accounts, 0);
    const colorTotal = Object.values(body.byColor)
      .flatMap((outcomes) => Object.values(outcomes))
      .reduce((n, c) => n + c.accounts, 0);
    expect(cellTotal).toBe(colorTotal);
    expect(cellTotal).toBeGreaterThan(8 * 10);
    // The demo's three years hold churns: the page has something to say out of the box.
    expect(body.churnsWarned.churned).toBeGreaterThan(0);
    expect(body.measures).toHaveLength(11);
    const bad = await pulse.get<{ error: { field: string } }>('/api/calibration?quarters=13');
    expect([bad.status, bad.body.error.field]).toEqual([400, 'quarters']);
  });

  it('dates writes with pulse.valid_at: owner, tier and forecast changed at past month-ends read back as of each', async () => {
    const db = pulse.database.db;
    // Month-ends of the last four months, at 18:00 UTC; each step's write is dated at its month-end.
    const now = new Date();
    const monthEnds = [4, 3, 2, 1].map(
      (back) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 0, 18)),
    );
    // An owner-led account whose row last changed before the first month-end; a renewal is added then.
    const { rows } = await sql<{ account_id: string; csm_id: string; tier: string }>`
      select a.id as account_id, a.csm_id, a.success_tier as tier from accounts a
      where a.success_tier in ('essentials', 'advanced') and a.csm_id is not null
        and not exists (select 1 from fact_history h where h.table_name = 'accounts' and h.row_id = a.id
          and h.valid_from >= ${monthEnds[0]!})
      order by a.id limit 1`.execute(db);
    expect(rows, 'an account unchanged for four months').toHaveLength(1);
    const { account_id, csm_id, tier } = rows[0]!;
    const newTier = tier === 'essentials' ? 'advanced' : 'signature';
    const otherCsm = await anotherCsm(db, csm_id);
    const dated = (at: Date, write: Parameters<typeof datedWrite>[2]) => datedWrite(db, at, write);
    let renewal_id = '';
    await dated(monthEnds[0]!, async (trx) => {
      const { id } = await trx
        .insertInto('renewals')
        .values({
          account_id,
          renewal_date: new Date(now.getTime() + 200 * 86_400_000).toISOString().slice(0, 10),
          atr_cents: 500_000_00,
          forecast_cents: 500_000_00,
          risk_category: 'will_renew',
          status: 'open',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      renewal_id = String(id);
    });
    await dated(monthEnds[1]!, (trx) =>
      trx.updateTable('accounts').set({ csm_id: otherCsm }).where('id', '=', account_id).execute(),
    );
    await dated(monthEnds[2]!, (trx) =>
      trx.updateTable('accounts').set({ success_tier: newTier }).where('id', '=', account_id).execute(),
    );
    await dated(monthEnds[3]!, (trx) =>
      trx
        .updateTable('renewals')
        .set({ forecast_cents: 1_00, risk_category: 'will_contract' })
        .where('id', '=', Number(renewal_id))
        .execute(),
    );
    await settle(pulse);

    const asOf = async (at: Date) => {
      const { status, body } = await pulse.get<AccountDetail>(
        `/api/accounts/${account_id}?asOf=${new Date(at.getTime() + 3_600_000).toISOString()}`,
      );
      expect(status).toBe(200);
      const renewal = body.renewals.find((r) => String(r.id) === renewal_id);
      return [body.owners.csm?.id, body.account.successTier, renewal?.forecastCents === 1_00];
    };
    expect(await asOf(monthEnds[0]!)).toEqual([csm_id, tier, false]);
    expect(await asOf(monthEnds[1]!)).toEqual([otherCsm, tier, false]);
    expect(await asOf(monthEnds[2]!)).toEqual([otherCsm, newTier, false]);
    expect(await asOf(monthEnds[3]!)).toEqual([otherCsm, newTier, true]);
    // The owner history agrees: the handover is dated at its month-end.
    const handover = await db
      .selectFrom('account_owner_history')
      .select('valid_from')
      .where('account_id', '=', account_id)
      .where('member_id', '=', otherCsm)
      .executeTakeFirstOrThrow();
    expect(new Date(handover.valid_from)).toEqual(monthEnds[1]);

    // A dated write cannot reach back before the version it would end.
    await expect(
      dated(monthEnds[0]!, (trx) =>
        trx
          .updateTable('accounts')
          .set({ success_tier: 'cse_assigned' })
          .where('id', '=', account_id)
          .execute(),
      ),
    ).rejects.toThrow(/pulse.valid_at .* is before the current version of accounts/);
    const { body: live } = await pulse.get<AccountDetail>(`/api/accounts/${account_id}`);
    expect(live.account.successTier).toBe(newTier);
  });

  it('prunes versions that ended before the retention, never the current ones', async () => {
    const db = pulse.database.db;
    const count = async (ended: boolean) =>
      Number(
        (
          await db
            .selectFrom('fact_history')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('valid_to', ended ? 'is not' : 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const [ended, current] = [await count(true), await count(false)];
    expect(ended).toBeGreaterThan(0);
    const retention = pulse.app.get(HistoryRetentionService);
    // Three years on, everything that ended today is past the horizon.
    expect(await retention.prune(new Date(Date.now() + 3 * 366 * 86_400_000))).toBe(ended);
    expect([await count(true), await count(false)]).toEqual([0, current]);
    // A year on (default retention three years), nothing more to prune.
    expect(await retention.prune(new Date(Date.now() + 366 * 86_400_000))).toBe(0);
  });
});
