import type { CalibrationReport, TeamView } from '@pulse/domain';
import type { AccountDetail } from '@pulse/protocol';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPercent } from '../../web/src/format/index.js';
import {
  type Browser,
  closeE2eStack,
  type DataLocation,
  E2E_DRIVERS,
  expectCardsToMatch,
  FIRST_DATA_MS,
  logRedSentiment,
  openE2eStack,
  PHONE,
  type Pulse,
  saveScreenshot,
  waitForTilesLoaded,
} from './harness.js';

/**
 * Every view as of a past day (issue 14 point 2), in the browser: the header's date picker puts
 * `?asOf=` in the URL, every tile says "as of" that day, live updates pause, the numbers are the
 * API's as-of numbers, and "Live" returns to the streamed view.
 */
describe.each(E2E_DRIVERS)('views as of a past day (%s)', (driver) => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;
  let page: Page;
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const shownDay = new Date(`${yesterday}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });

  beforeAll(async () => {
    ({ location, pulse, browser } = await openE2eStack(driver));
    page = await browser.newPage();
  });
  afterAll(() => closeE2eStack({ browser, pulse, location }));

  async function tilesSayAsOf(): Promise<void> {
    const tiles = await page.locator('section.tile').count();
    expect(tiles).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('as-of').count(), { timeout: FIRST_DATA_MS }).toBe(tiles);
    for (const text of await page.getByTestId('as-of').allTextContents())
      expect(text).toBe(`as of ${shownDay}`);
    // No live age on any tile while a past day is shown.
    expect(await page.getByTestId('data-age').count()).toBe(0);
  }

  it('shows the CSM view as of yesterday from the picker, then returns to live', async () => {
    // Today a CSM hands an account over: the live view moves on, yesterday's stays as it was.
    const { id, csm_id } = await pulse.database.db
      .selectFrom('accounts')
      .select(['id', 'csm_id'])
      .where('csm_id', 'is not', null)
      .where('lifecycle_stage', '!=', 'churned')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const other = await pulse.database.db
      .selectFrom('team_members')
      .select(['id', 'name'])
      .where('role', '=', 'csm')
      .where('id', '!=', csm_id as string)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await pulse.database.db.updateTable('accounts').set({ csm_id: other.id }).where('id', '=', id).execute();
    await expect
      .poll(async () => (await pulse.api<AccountDetail>(`/api/accounts/${id}`)).owners.csm?.id, {
        timeout: FIRST_DATA_MS,
      })
      .toBe(other.id);

    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${pulse.baseUrl}/csm`);
    await waitForTilesLoaded(page);
    await page.getByTestId('as-of-picker').fill(yesterday);
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBe(yesterday);
    const past = await pulse.api<TeamView>(`/api/kpis/csm?asOf=${yesterday}`);
    await expectCardsToMatch(page, past);
    await waitForTilesLoaded(page);
    await tilesSayAsOf();
    await expect(page.getByTestId('changes-paused').textContent()).resolves.toContain('paused');
    await saveScreenshot(page, driver, 'as-of-csm-1920');

    // Moving to another view keeps the day.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Renewals' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBe(yesterday);
    await waitForTilesLoaded(page);
    await tilesSayAsOf();

    // The account page as of yesterday names yesterday's CSM; live names today's.
    const before = await pulse.api<AccountDetail>(`/api/accounts/${id}?asOf=${yesterday}`);
    expect(before.owners.csm?.id).toBe(csm_id);
    await page.goto(`${pulse.baseUrl}/accounts/${id}?asOf=${yesterday}`);
    await waitForTilesLoaded(page);
    await tilesSayAsOf();
    await expect(page.locator('section.tile.owners').textContent()).resolves.toContain(
      before.owners.csm?.name ?? '',
    );
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(300);
    await saveScreenshot(page, driver, 'as-of-account-390');
    await page.getByTestId('back-to-live').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('asOf')).toBeNull();
    await expect
      .poll(() => page.locator('section.tile.owners').textContent(), { timeout: FIRST_DATA_MS })
      .toContain(other.name);
    expect(await page.getByTestId('as-of').count()).toBe(0);

    await page.goto(`${pulse.baseUrl}/csm?asOf=${yesterday}`);
    await waitForTilesLoaded(page);
    await tilesSayAsOf();
    await saveScreenshot(page, driver, 'as-of-csm-390');
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('shows the calibration page: colour then against outcome, and the measure that predicted churn', async () => {
    const report = await pulse.api<CalibrationReport>('/api/calibration?quarters=8');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${pulse.baseUrl}/calibration`);
    await waitForTilesLoaded(page);
    await expect(page.getByTestId('red-churn-rate').locator('strong').textContent()).resolves.toBe(
      formatPercent(report.redChurnRate),
    );
    const measures = await page
      .locator('tr[data-measure]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-measure')));
    expect(measures).toEqual(report.measures.map((m) => m.key));
    await saveScreenshot(page, driver, 'calibration-1920');
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(300);
    await saveScreenshot(page, driver, 'calibration-390');
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('freezes a renewal brief on the account page and shows what changed since, measure by measure', async () => {
    const { id } = await pulse.database.db
      .selectFrom('accounts')
      .select('id')
      .where('csm_id', 'is not', null)
      .where('lifecycle_stage', 'not in', ['churned', 'will_churn'])
      .where('success_tier', 'in', ['essentials', 'advanced', 'signature'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${pulse.baseUrl}/accounts/${id}`);
    await waitForTilesLoaded(page);
    await page.getByTestId('freeze-brief').click();
    await expect
      .poll(() => page.getByTestId('brief-compare').textContent(), { timeout: FIRST_DATA_MS })
      .toContain('No measure moved');
    await logRedSentiment(pulse.database, id);
    await expect
      .poll(
        async () => {
          await page.reload();
          await waitForTilesLoaded(page);
          return page.locator('[data-testid="brief-compare"] tr[data-measure="owner_sentiment"]').count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    await page.getByTestId('brief-compare').scrollIntoViewIfNeeded();
    await saveScreenshot(page, driver, 'brief-checkpoint-1920');
  });

  it('says plainly why a day cannot be shown', async () => {
    await page.goto(`${pulse.baseUrl}/csm?asOf=1999-01-01`);
    await expect
      .poll(() => page.locator('section.tile[data-state="error"]').first().textContent(), {
        timeout: FIRST_DATA_MS,
      })
      .toContain('the oldest history kept');
  });
});
