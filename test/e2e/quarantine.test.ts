import type { AccountDetail, AccountListPage } from '@pulse/protocol';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPoints } from '../../web/src/format/index.js';
import {
  type Browser,
  closeE2eStack,
  type DataLocation,
  E2E_DRIVERS,
  FIRST_DATA_MS,
  openE2eStack,
  type Pulse,
  saveScreenshot,
} from './harness.js';

/** An unreadable row stored by an outside writer shows on the account page, and fixing it clears it. */
describe.each(E2E_DRIVERS)('account page of a quarantined account (%s)', (driver) => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ location, pulse, browser } = await openE2eStack(driver));
    page = await browser.newPage();
  });
  afterAll(() => closeE2eStack({ browser, pulse, location }));

  it('explains the frozen score, naming table, row, column and value, until the row is fixed', async () => {
    const list = await pulse.api<AccountListPage>('/api/accounts?limit=1');
    const detail = await pulse.api<AccountDetail>(`/api/accounts/${list.items[0]!.id}`);
    const db = pulse.database.db;
    await page.goto(`${pulse.baseUrl}/accounts/${detail.account.id}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(detail.account.name);
    const banner = page.getByTestId('quarantine');
    expect(await banner.count()).toBe(0);

    // A database from before the range checks, and a writer that stores an override until 'infinity'.
    await sql`alter table health_overrides drop constraint health_overrides_expires_at_range`.execute(db);
    const inserted = await sql<{ id: number }>`
      insert into health_overrides (account_id, color, reason, author_id, expires_at)
      values (${detail.account.id}, 'red', 'escalation', (select min(id) from team_members), 'infinity')
      returning id`.execute(db);
    const rowId = inserted.rows[0]!.id;

    await banner.waitFor({ timeout: FIRST_DATA_MS });
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('Score frozen since');
    expect(text).toContain(`row ${rowId} of health_overrides`);
    expect(text).toContain('expires_at = infinity');
    expect(text).toContain('fixing that row recovers the account by itself');
    // The last good score stays on screen.
    await expect(page.getByTestId('account-health').textContent()).resolves.toContain(
      formatPoints(detail.scorecard.score),
    );
    await saveScreenshot(page, driver, 'account-quarantined');

    await sql`update health_overrides set expires_at = now() + interval '7 days' where id = ${rowId}`.execute(
      db,
    );
    await expect.poll(() => banner.count(), { timeout: FIRST_DATA_MS }).toBe(0);
  });
});
