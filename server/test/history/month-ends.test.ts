import type { RenewalsView, TeamView } from '@pulse/domain';
import type { AccountDetail } from '@pulse/protocol';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock/clock.js';
import { LivePipeline } from '../../src/pipeline/live-pipeline.service.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';
import { anotherCsm, datedWrite, settle } from './history-harness.js';

/** The system clock until the test sets it; then that instant until set again. */
class SimulatedClock implements Clock {
  private at: Date | null = null;
  now(): Date {
    return this.at ? new Date(this.at) : new Date();
  }
  set(at: Date): void {
    this.at = at;
  }
}

interface MonthEnd {
  at: Date;
  views: Record<string, TeamView | RenewalsView>;
  account: AccountDetail;
}

const DAY_MS = 86_400_000;

/**
 * Issue 14, last point: an account's owner, tier and forecast change over simulated months. At each
 * month-end the server's clock is set there, everything is rescored as the hourly timer does, that
 * month's change is written dated at the same instant, and the live views are captured. At the end
 * every view as of each month-end must equal what was live then. The month-ends are in the future,
 * so every fact already stored predates them and the steps can only add to the history.
 */
describe.each(TEST_DRIVERS)('views as of past month-ends equal the live views then, on %s', (driver) => {
  const clock = new SimulatedClock();
  let pulse: TestApp;

  beforeAll(async () => {
    pulse = await startTestApp(driver, { demoAccounts: 60 }, { clock });
  }, 180_000);

  afterAll(async () => {
    await pulse?.stop();
  });

  it('shows each team view, the renewals and the account page as of each month-end as they were live then', async () => {
    const db = pulse.database.db;
    const real = new Date();
    // The last millisecond of this month and the next three: the instant `asOf=<that date>` means.
    const monthEnds = [1, 2, 3, 4].map(
      (ahead) => new Date(Date.UTC(real.getUTCFullYear(), real.getUTCMonth() + ahead, 1) - 1),
    );
    const last = monthEnds.at(-1)!;
    // An owner-led account whose open renewal falls after the last month-end, within the 365-day window.
    const { rows } = await sql<{ account_id: string; csm_id: string; tier: string; renewal_id: number }>`
      select a.id as account_id, a.csm_id, a.success_tier as tier, r.id as renewal_id
      from accounts a join renewals r on r.account_id = a.id and r.status = 'open'
      where a.success_tier in ('essentials', 'advanced') and a.csm_id is not null
        and r.renewal_date > ${last.toISOString().slice(0, 10)}
        and r.renewal_date <= ${new Date(monthEnds[0]!.getTime() + 300 * DAY_MS).toISOString().slice(0, 10)}
        and r.forecast_cents > 100
      order by a.id limit 1`.execute(db);
    expect(rows, 'an account renewing after the simulated months').toHaveLength(1);
    const { account_id, csm_id, tier, renewal_id } = rows[0]!;
    const newTier = tier === 'essentials' ? 'advanced' : 'signature';
    const otherCsm = await anotherCsm(db, csm_id);
    const paths = [
      'cse',
      'csm',
      'csa',
      `csm?owner=${csm_id}`,
      `csm?owner=${otherCsm}`,
      'renewals',
      'renewals?days=365',
    ];

    // Each month's change, written as a source system dates it: at the month-end.
    const writes: ((trx: typeof db) => Promise<unknown>)[] = [
      async () => {},
      (trx) => trx.updateTable('accounts').set({ csm_id: otherCsm }).where('id', '=', account_id).execute(),
      (trx) =>
        trx.updateTable('accounts').set({ success_tier: newTier }).where('id', '=', account_id).execute(),
      (trx) =>
        trx
          .updateTable('renewals')
          .set({ forecast_cents: 1_00, risk_category: 'will_contract' })
          .where('id', '=', renewal_id)
          .execute(),
    ];
    const captured: MonthEnd[] = [];
    for (const [month, at] of monthEnds.entries()) {
      clock.set(at);
      await pulse.app.get(LivePipeline).rescoreAll();
      await datedWrite(db, clock.now(), writes[month]!);
      await settle(pulse);
      const views: MonthEnd['views'] = {};
      for (const path of paths) {
        const { status, body } = await pulse.get<TeamView | RenewalsView>(`/api/kpis/${path}`);
        expect(status, path).toBe(200);
        views[path] = body;
      }
      const { body: account } = await pulse.get<AccountDetail>(`/api/accounts/${account_id}`);
      captured.push({ at, views, account });
    }

    // The live pages followed the clock and the changes (else the comparison below would prove little).
    const renewal = (page: AccountDetail) =>
      page.renewals.find((r) => String(r.id) === String(renewal_id))?.forecastCents;
    expect(captured.map(({ account }) => account.scorecard.asOf)).toEqual(
      monthEnds.map((at) => at.toISOString()),
    );
    expect(captured.map(({ account }) => account.owners.csm?.id)).toEqual([
      csm_id,
      otherCsm,
      otherCsm,
      otherCsm,
    ]);
    expect(captured.map(({ account }) => account.account.successTier)).toEqual([
      tier,
      tier,
      newTier,
      newTier,
    ]);
    expect(renewal(captured[2]!.account)).not.toBe(1_00);
    expect(renewal(captured[3]!.account)).toBe(1_00);
    for (const path of paths)
      expect(captured[0]!.views[path], `${path} moved over the months`).not.toEqual(captured[3]!.views[path]);

    for (const { at, views, account } of captured) {
      const day = at.toISOString().slice(0, 10);
      for (const path of paths) {
        const separator = path.includes('?') ? '&' : '?';
        const { status, body } = await pulse.get(`/api/kpis/${path}${separator}asOf=${day}`);
        expect(status, `${path} as of ${day}`).toBe(200);
        expect(body, `${path} as of ${day}`).toEqual(views[path]);
      }
      const { status, body } = await pulse.get(`/api/accounts/${account_id}?asOf=${day}`);
      expect(status, `account page as of ${day}`).toBe(200);
      expect(body, `account page as of ${day}`).toEqual(account);
    }

    // The clock bounds asOf too: the day after the last simulated month-end is still the future.
    const after = new Date(last.getTime() + DAY_MS).toISOString().slice(0, 10);
    const { status } = await pulse.get(`/api/kpis/csm?asOf=${after}`);
    expect(status).toBe(400);
  }, 300_000);
});
