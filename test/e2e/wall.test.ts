import type { TeamView } from '@pulse/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  closeE2eStack,
  type DataLocation,
  E2E_DRIVERS,
  FIRST_DATA_MS,
  healthCountButton,
  logRedSentiment,
  openDatabase,
  openE2eStack,
  type Pulse,
  SCREEN_SIZES,
  saveScreenshot,
  startPulse,
} from './harness.js';

const PANELS = ['csm', 'cse', 'csa', 'renewals'] as const;
const ROTATE_SECONDS = 2;

/** What each tile of the panel on screen shows: its state word and its age line. */
function tilesOnScreen(wall: Page): Promise<{ title: string; state: string; age: string }[]> {
  return wall.locator('.panel section.tile').evaluateAll((tiles) =>
    tiles.map((tile) => ({
      title: tile.getAttribute('aria-label') ?? '',
      state: tile.getAttribute('data-state') ?? '',
      age: tile.querySelector('[data-testid="data-age"]')?.textContent?.trim() ?? '',
    })),
  );
}

/** Waits for each panel of the rotation in turn and runs `check` on it. */
async function everyPanel(wall: Page, check: (panel: string) => Promise<void>): Promise<void> {
  for (const panel of PANELS) {
    await expect
      .poll(() => wall.locator('.wall-view').getAttribute('data-panel'), {
        timeout: PANELS.length * ROTATE_SECONDS * 1000 + 5_000,
        interval: 100,
      })
      .toBe(panel);
    await check(panel);
  }
}

describe.each(E2E_DRIVERS)('wall display through an outage (%s)', (driver) => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;

  beforeAll(async () => {
    ({ location, pulse, browser } = await openE2eStack(driver));
  });
  afterAll(() => closeE2eStack({ browser, pulse, location }));

  it('keeps the last data of every view it rotates to while the server is down, then resyncs, at every screen size', async () => {
    const wall = await browser.newPage();
    await wall.goto(`${pulse.baseUrl}/wall?views=${PANELS.join(',')}&rotate=${ROTATE_SECONDS}&theme=dark`);
    await wall.locator('[data-kpi]').first().waitFor({ timeout: FIRST_DATA_MS });
    const before = await pulse.api<TeamView>('/api/kpis/csm');
    const redBefore = before.healthDistribution.colors.red.count;
    await healthCountButton(wall, 'red', redBefore).waitFor({ timeout: FIRST_DATA_MS });

    const { port } = pulse;
    await pulse.close();
    await wall.getByTestId('reconnecting').waitFor({ timeout: 10_000 });

    // At every screen size, every panel comes up during the outage with its data, greyed, saying how old it is.
    for (const size of SCREEN_SIZES) {
      const where = `${size.width}×${size.height}`;
      await wall.setViewportSize(size);
      await everyPanel(wall, async (panel) => {
        await expect
          .poll(() => tilesOnScreen(wall), { timeout: 5_000, message: `${panel} at ${where}` })
          .toSatisfy(
            (tiles: { state: string; age: string }[]) =>
              tiles.length > 0 &&
              tiles.every((tile) => tile.state === 'offline' && /^offline · data from /.test(tile.age)),
          );
        expect(
          await wall.locator('.panel .skeleton').count(),
          `${panel} at ${where} shows no placeholder`,
        ).toBe(0);
        if (panel === 'csm') await healthCountButton(wall, 'red', redBefore).waitFor({ timeout: 5_000 });
        if (panel === 'renewals') {
          await expect
            .poll(() => wall.locator('.panel tbody tr[data-account]').count(), {
              timeout: 5_000,
              message: `renewal rows kept at ${where}`,
            })
            .toBeGreaterThan(0);
        }
      });
      if (size.width === 1920) await saveScreenshot(wall, driver, 'wall-offline');
    }

    // The organisation changes while the wall is cut off; on return the wall shows the change.
    const [accountId] = before.healthDistribution.colors.green.accountIds;
    const database = await openDatabase(location);
    try {
      await logRedSentiment(database, accountId!);
    } finally {
      await database.close();
    }
    pulse = await startPulse(location, port);
    await wall.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 30_000 });

    // Back live (checked at the common monitor size): every panel resyncs and shows the change.
    await wall.setViewportSize({ width: 1920, height: 1080 });
    await everyPanel(wall, async (panel) => {
      await expect
        .poll(() => tilesOnScreen(wall), { timeout: 5_000, message: panel })
        .toSatisfy(
          (tiles: { state: string }[]) => tiles.length > 0 && tiles.every((tile) => tile.state === 'live'),
        );
      if (panel === 'csm') await healthCountButton(wall, 'red', redBefore + 1).waitFor({ timeout: 5_000 });
    });
    await wall.close();
  }, 180_000);

  it('no page threw an uncaught error', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
