import fs from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AccountMuteResponse, BellResponse } from '@pulse/protocol';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  closeE2eStack,
  type DataLocation,
  DOCS_SCREENSHOT_DIR,
  E2E_ADMIN_TOKEN,
  E2E_DRIVERS,
  FIRST_DATA_MS,
  openE2eStack,
  PHONE,
  type Pulse,
  saveScreenshot,
} from './harness.js';

/**
 * The bell: a person sees a count of their recent alerts, opens them, mutes an account, and
 * follows an alert to the score move that raised it; at 1920×1080 and on a 390 px phone.
 */
describe.each(E2E_DRIVERS)('the alert bell in a real browser (%s)', (driver) => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;
  let receiver: Server;
  let csm: string;
  const posts: string[] = [];
  /** The README's screenshots are refreshed on demand, as screens.test.ts does. */
  const updateDocs = driver === 'pglite' && process.env.PULSE_UPDATE_DOCS_SCREENSHOTS === '1';

  const alertsOf = (member: string) => pulse.api<BellResponse>(`/api/alerts?member=${member}`);

  /** Opens the page as `member` (the bell's person, kept in the browser until sign-in lands). */
  async function pageAs(member: string, size = { width: 1920, height: 1080 }): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewportSize(size);
    await page.addInitScript((id) => localStorage.setItem('pulse.alertsPerson', id), member);
    return page;
  }

  beforeAll(async () => {
    ({ location, pulse, browser } = await openE2eStack(driver));
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        posts.push(body);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slack`;
    const created = await fetch(`${pulse.baseUrl}/api/alert-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
      body: JSON.stringify({
        name: 'Red accounts',
        trigger: 'turned_red',
        channels: [{ kind: 'slack', url: hook }],
      }),
    });
    expect(created.status).toBe(201);

    // The CSM with the most healthy accounts; two of them turn red through SQL (a red call each).
    const { rows } = await sql<{ id: string; csm_id: string }>`
      select a.id, a.csm_id from accounts a join account_scores s on s.account_id = a.id
      where s.color in ('green', 'yellow') and a.lifecycle_stage not in ('will_churn', 'churned')
        and a.success_tier in ('essentials', 'advanced', 'signature') and a.csm_id is not null
      order by (count(*) over (partition by a.csm_id)) desc, a.csm_id, a.id`.execute(pulse.database.db);
    csm = rows[0]!.csm_id;
    for (const row of rows.filter((r) => r.csm_id === csm).slice(0, 2)) {
      await sql`insert into timeline_entries (account_id, author_id, kind, occurred_at, sentiment, summary)
        values (${row.id}, ${csm}, 'call', now(), 'red', 'Escalation')`.execute(pulse.database.db);
    }
    const end = Date.now() + FIRST_DATA_MS;
    while ((await alertsOf(csm)).recentCount < 2 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
  }, 180_000);

  afterAll(async () => {
    await closeE2eStack({ browser, pulse, location });
    await new Promise<void>((resolve) => receiver?.close(() => resolve()) ?? resolve());
  }, 60_000);

  it('shows the count, lists the alerts and opens the score move, at 1920×1080', async () => {
    const bell = await alertsOf(csm);
    expect(bell.recentCount).toBe(2);
    const page = await pageAs(csm);
    await page.goto(`${pulse.baseUrl}/csm`);
    await expect
      .poll(() => page.getByTestId('alert-count').textContent(), { timeout: FIRST_DATA_MS })
      .toBe('2');
    await page.getByTestId('alert-bell').click();
    const items = page.getByTestId('alert-item');
    await expect.poll(() => items.count()).toBe(2);
    for (const alert of bell.alerts)
      await expect.poll(() => page.getByTestId('alert-panel').textContent()).toContain(alert.accountName);
    await saveScreenshot(page, driver, 'alert-bell-1920');
    if (updateDocs) {
      await fs.mkdir(DOCS_SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(DOCS_SCREENSHOT_DIR, 'alert-bell-1920.png') });
    }

    const first = bell.alerts[0]!;
    await items.first().getByRole('link', { name: first.accountName }).click();
    await page.waitForURL(`**/accounts/${first.accountId}?change=${first.scoreChangeId}`);
    const linked = page.locator(`#move-${first.scoreChangeId}`);
    await linked.waitFor({ timeout: FIRST_DATA_MS });
    expect(await linked.getAttribute('class')).toContain('linked');
    await page.close();
  }, 120_000);

  it('fits a 390 px phone and mutes an account from the bell', async () => {
    const page = await pageAs(csm, PHONE);
    await page.goto(`${pulse.baseUrl}/csm`);
    await expect
      .poll(() => page.getByTestId('alert-count').textContent(), { timeout: FIRST_DATA_MS })
      .toBe('2');
    await page.getByTestId('alert-bell').click();
    const panel = page.getByTestId('alert-panel');
    await panel.waitFor();
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await saveScreenshot(page, driver, 'alert-bell-390');
    if (driver === 'pglite')
      await page.screenshot({ path: path.join(DOCS_SCREENSHOT_DIR, 'alert-bell-390.png') });

    const item = page.getByTestId('alert-item').first();
    await item.getByRole('button', { name: 'Mute account for a day' }).click();
    await expect.poll(() => item.textContent()).toContain('Muted until');
    const accountId = (await alertsOf(csm)).alerts[0]!.accountId;
    const mute = await pulse.api<AccountMuteResponse>(`/api/accounts/${accountId}/mute`);
    // The mute is recorded as the person signed in on that browser (the stack signs in an admin).
    const signedIn = await page.evaluate(async () => (await (await fetch('/api/auth/me')).json()).memberId);
    expect(signedIn).toEqual(expect.any(String));
    expect(mute.mute?.by).toBe(signedIn);
    expect(Date.parse(mute.mute!.until)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    await page.close();
  }, 120_000);

  it('the rules page lists the rule and its receiver', async () => {
    const page = await pageAs(csm);
    await page.goto(`${pulse.baseUrl}/alerts`);
    const rule = page.getByTestId('alert-rule');
    await rule.first().waitFor({ timeout: FIRST_DATA_MS });
    expect(await rule.first().textContent()).toContain('Account turned red');
    await saveScreenshot(page, driver, 'alert-rules-1920');
    expect(posts.length).toBe(2);
    await page.close();
  }, 60_000);
});
