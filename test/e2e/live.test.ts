import type { TeamView } from '@pulse/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  COLOR_NAMES,
  closeE2eStack,
  type DataLocation,
  E2E_DRIVERS,
  expectCardsToMatch,
  healthCountButton,
  logRedSentiment,
  openDatabase,
  openE2eStack,
  type Pulse,
  saveScreenshot,
  startPulse,
  waitForTilesLoaded,
} from './harness.js';

/** "Within a few seconds" of the commit, as a person watching the screen would accept. */
const LIVE_WITHIN_MS = 5_000;

describe.each(E2E_DRIVERS)('live dashboard (%s)', (driver) => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;

  beforeAll(async () => {
    ({ location, pulse, browser } = await openE2eStack(driver));
  });
  afterAll(() => closeE2eStack({ browser, pulse, location }));

  it('a SQL write changes the numbers on screen within a few seconds', async () => {
    const before = await pulse.api<TeamView>('/api/kpis/csm');
    const [accountId] = before.healthDistribution.colors.green.accountIds;
    expect(accountId, 'the demo organisation has a green account').toBeDefined();
    const redBefore = before.healthDistribution.colors.red.count;

    const team = await browser.newPage();
    const account = await browser.newPage();
    await team.goto(`${pulse.baseUrl}/csm`);
    await account.goto(`${pulse.baseUrl}/accounts/${accountId}`);
    await healthCountButton(team, 'red', redBefore).waitFor();
    await account.locator('tr[data-measure="owner_sentiment"]').waitFor();
    await expect(account.getByTestId('account-health').textContent()).resolves.not.toContain(COLOR_NAMES.red);

    const written = Date.now();
    await logRedSentiment(pulse.database, accountId!);
    await healthCountButton(team, 'red', redBefore + 1).waitFor({ timeout: LIVE_WITHIN_MS });
    const teamMs = Date.now() - written;
    await expect
      .poll(() => account.getByTestId('account-health').textContent(), { timeout: LIVE_WITHIN_MS })
      .toContain(COLOR_NAMES.red);
    const sentimentRow = account.locator('tr[data-measure="owner_sentiment"]');
    await expect(sentimentRow.locator('.chip').first().textContent()).resolves.toBe(COLOR_NAMES.red);
    await expect(sentimentRow.getByTestId('measure-reason').textContent()).resolves.toMatch(/^red sentiment/);
    console.info(`[e2e ${driver}] SQL write → /csm red count on screen in ${teamMs} ms`);

    // Every card on screen now equals the API's recomputed view, not only the count we watched.
    const after = await pulse.api<TeamView>('/api/kpis/csm');
    expect(after.healthDistribution.colors.red.count).toBe(redBefore + 1);
    await expectCardsToMatch(team, after);
    await team.close();
    await account.close();
  });

  it('shows the reconnecting state while the server is down, then converges on restart', async () => {
    const page: Page = await browser.newPage();
    await page.goto(`${pulse.baseUrl}/csm`);
    const before = await pulse.api<TeamView>('/api/kpis/csm');
    const redBefore = before.healthDistribution.colors.red.count;
    await healthCountButton(page, 'red', redBefore).waitFor();
    await expect(page.getByTestId('reconnecting').count()).resolves.toBe(0);

    const { port } = pulse;
    await pulse.close();
    const banner = page.getByRole('alert').filter({ hasText: 'Reconnecting' });
    await banner.waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.locator('.cards-tile').getByTestId('data-age').textContent(), { timeout: 10_000 })
      .toMatch(/^offline · data from/);
    expect(await page.locator('.tile.degraded').count(), 'tiles grey out').toBeGreaterThan(0);
    await saveScreenshot(page, driver, 'csm-reconnecting');

    // Data changes while the dashboard is cut off: the restarted server must bring the page up to date.
    const [accountId] = before.healthDistribution.colors.green.accountIds;
    const database = await openDatabase(location);
    try {
      await logRedSentiment(database, accountId!);
    } finally {
      await database.close();
    }

    pulse = await startPulse(location, port);
    expect(pulse.port).toBe(port);
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    const after = await pulse.api<TeamView>('/api/kpis/csm');
    expect(after.healthDistribution.colors.red.count).toBe(redBefore + 1);
    await healthCountButton(page, 'red', redBefore + 1).waitFor({ timeout: LIVE_WITHIN_MS });
    await expectCardsToMatch(page, after);
    await expect.poll(() => page.locator('.tile.degraded').count(), { timeout: LIVE_WITHIN_MS }).toBe(0);
    await waitForTilesLoaded(page);
    await page.close();
  });

  it('no page threw an uncaught error', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
