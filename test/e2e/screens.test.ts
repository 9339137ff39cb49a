import type { TeamViewKind } from '@pulse/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertWebBuilt,
  type Browser,
  createDataLocation,
  type DataLocation,
  launchBrowser,
  type Pulse,
  SCREEN_SIZES,
  startPulse,
  waitForTilesLoaded,
} from './harness.js';

const TEAM_VIEWS: readonly TeamViewKind[] = ['csm', 'cse', 'csa'];
/** How long a person leaves a team page open before reaching for the leaderboard. */
const WATCH_MS = 60_000;
const SAMPLE_EVERY_MS = 10_000;

// Layout only: one driver is enough, the pages read the same state on both.
describe('team pages and wall tiles at common screen sizes (pglite)', () => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;

  beforeAll(async () => {
    assertWebBuilt();
    location = await createDataLocation('pglite');
    pulse = await startPulse(location);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await pulse?.close();
    await location?.drop();
  });

  it(
    'no team page changes height over 60 s at any size',
    async () => {
      // Every view at every size is watched at once, so the whole check costs one minute.
      const watched: { name: string; page: Page }[] = [];
      for (const size of SCREEN_SIZES) {
        for (const view of TEAM_VIEWS) {
          const page = await browser.newPage();
          await page.setViewportSize(size);
          await page.goto(`${pulse.baseUrl}/${view}`);
          watched.push({ name: `/${view} at ${size.width}×${size.height}`, page });
        }
      }
      await Promise.all(watched.map(({ page }) => waitForTilesLoaded(page)));
      const heights = () =>
        Promise.all(watched.map(({ page }) => page.evaluate(() => document.documentElement.scrollHeight)));

      const first = await heights();
      const samples: number[][] = [];
      for (let waited = 0; waited < WATCH_MS; waited += SAMPLE_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
        samples.push(await heights());
      }
      const changed = watched
        .map(({ name }, i) => ({ name, heights: [first[i], ...samples.map((sample) => sample[i])] }))
        .filter(({ heights: seen }) => seen.some((height) => height !== seen[0]));
      expect(changed, 'pages whose height changed while nothing else did').toEqual([]);
      await Promise.all(watched.map(({ page }) => page.close()));
    },
    WATCH_MS + 60_000,
  );

  it('no page threw an uncaught error', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
