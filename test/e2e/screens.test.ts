import fs from 'node:fs/promises';
import path from 'node:path';
import type { RenewalsView, TeamView, TeamViewKind } from '@pulse/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  closeE2eStack,
  type DataLocation,
  DOCS_SCREENSHOT_DIR,
  expectReadableHealthBars,
  FIRST_DATA_MS,
  headingsBrokenInsideWords,
  nextFrames,
  openE2eStack,
  overflowingTileContent,
  PHONE,
  type Pulse,
  SCREEN_SIZES,
  saveScreenshot,
  screenshotPath,
  waitForTilesLoaded,
} from './harness.js';

const TEAM_VIEWS: readonly TeamViewKind[] = ['csm', 'cse', 'csa'];
/** How long a person leaves a team page open before reaching for the leaderboard. */
const WATCH_MS = 60_000;
const SAMPLE_EVERY_MS = 10_000;
/** Writes a second of `pnpm start`'s demo simulator. */
const SIMULATOR_RATE = 2;

// Layout only: one driver is enough, the pages read the same state on both.
describe('team pages and wall tiles at common screen sizes (pglite)', () => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;

  beforeAll(async () => {
    ({ location, pulse, browser } = await openE2eStack('pglite'));
  });
  afterAll(() => closeE2eStack({ browser, pulse, location }));

  it(
    'no team page changes height over 60 s at any size, with the demo simulator writing',
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

      // The demo's pace (2 writes a second): scores move, the feed fills, charts redraw.
      const stopSimulator = await pulse.simulate(SIMULATOR_RATE);
      const first = await heights();
      const samples: number[][] = [];
      try {
        for (let waited = 0; waited < WATCH_MS; waited += SAMPLE_EVERY_MS) {
          await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
          samples.push(await heights());
        }
      } finally {
        await stopSimulator();
      }
      const changed = watched
        .map(({ name }, i) => ({ name, heights: [first[i], ...samples.map((sample) => sample[i])] }))
        .filter(({ heights: seen }) => seen.some((height) => height !== seen[0]));
      expect(changed, 'pages whose height changed while nothing else did').toEqual([]);
      // From 1920 px wide the leaderboard shows every column without scrolling sideways.
      const sideways = await Promise.all(
        watched.map(async ({ name, page }) => ({
          name,
          wide: page.viewportSize()!.width >= 1920,
          scrolls: await page.evaluate(() => {
            const board = document.querySelector('.leaderboard');
            return board !== null && board.scrollWidth > board.clientWidth + 1;
          }),
        })),
      );
      expect(sideways.filter((page) => page.wide && page.scrolls).map((page) => page.name)).toEqual([]);
      await Promise.all(watched.map(({ page }) => page.close()));
    },
    WATCH_MS + 60_000,
  );

  it('no wall tile’s content overflows it, at any size, a trimmed list says how many more, the health bars read', async () => {
    const renewals = await pulse.api<RenewalsView>('/api/kpis/renewals');
    const teams = new Map(
      await Promise.all(
        TEAM_VIEWS.map(async (view) => [view, await pulse.api<TeamView>(`/api/kpis/${view}`)] as const),
      ),
    );
    await Promise.all(
      SCREEN_SIZES.map(async (size) => {
        const wall = await browser.newPage();
        await wall.setViewportSize(size);
        for (const panel of [...TEAM_VIEWS, 'renewals']) {
          const where = `${panel} wall at ${size.width}×${size.height}`;
          await wall.goto(`${pulse.baseUrl}/wall?views=${panel}&rotate=0&theme=dark`);
          await waitForTilesLoaded(wall);
          expect(await overflowingTileContent(wall), where).toEqual([]);
          const fit = await wall.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight);
          expect(fit, `${where} fits the screen`).toBe(true);
          const team = teams.get(panel as TeamViewKind);
          if (team) {
            await expectReadableHealthBars(wall, team.healthDistribution, where, ['Accounts']);
            expect(await headingsBrokenInsideWords(wall), `${where}: leaderboard headings`).toEqual([]);
            if (panel === 'csm') await saveScreenshot(wall, 'pglite', `wall-csm-${size.width}`);
          }
          if (panel === 'renewals') {
            // Rows shown plus "+ N more renewals" (when some were left out) account for every renewal.
            const shown = await wall.locator('.table-tile tbody tr').count();
            const more = await wall.locator('.table-tile').getByTestId('more-rows').allTextContents();
            const left = more.length === 0 ? 0 : Number(/\+ (\d+) more renewals/.exec(more[0] ?? '')?.[1]);
            expect(shown + left, where).toBe(renewals.order.length);
          }
        }
        await wall.close();
      }),
    );
  }, 120_000);

  it('on a 390 px phone every page reads without sideways scrolling, cards and scorecard inside their boxes', async () => {
    const csm = await pulse.api<TeamView>('/api/kpis/csm');
    const accountId = csm.healthDistribution.colors.red.accountIds[0];
    const phone = await browser.newPage();
    await phone.setViewportSize(PHONE);
    for (const path of [...TEAM_VIEWS.map((view) => `/${view}`), '/renewals', `/accounts/${accountId}`]) {
      await phone.goto(`${pulse.baseUrl}${path}`);
      await waitForTilesLoaded(phone);
      const widths = await phone.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        screen: document.documentElement.clientWidth,
        cardsSpilling: [...document.querySelectorAll<HTMLElement>('[data-kpi]')]
          .filter((card) => card.scrollWidth > card.clientWidth)
          .map((card) => card.dataset.kpi),
      }));
      expect(widths.page, `${path} scrolls sideways`).toBeLessThanOrEqual(widths.screen);
      expect(widths.cardsSpilling, `${path}: KPI cards whose content spills out`).toEqual([]);
      const view = TEAM_VIEWS.find((team) => path === `/${team}`);
      if (view) {
        const team = await pulse.api<TeamView>(`/api/kpis/${view}`);
        await expectReadableHealthBars(phone, team.healthDistribution, `${path} at 390 px`);
        await phone.locator('.t-health').screenshot({ path: screenshotPath('pglite', `health-${view}-390`) });
      }
    }
    // The account page: the scorecard (and every other tile) holds its content.
    await phone.locator('tr[data-measure]').first().waitFor();
    expect(await overflowingTileContent(phone)).toEqual([]);
    await phone.close();
  });

  it('leaderboard headings wrap only between words, the health bars read, at 390, 1366, 1920 and 3840 px', async () => {
    const teams = new Map(
      await Promise.all(
        TEAM_VIEWS.map(async (view) => [view, await pulse.api<TeamView>(`/api/kpis/${view}`)] as const),
      ),
    );
    const sizes = [PHONE, ...SCREEN_SIZES.filter((size) => size.width !== 2560)];
    const page = await browser.newPage();
    for (const view of TEAM_VIEWS) {
      await page.setViewportSize(sizes[0]!);
      await page.goto(`${pulse.baseUrl}/${view}`);
      await page.locator('.leaderboard thead th.kpi').first().waitFor({ timeout: FIRST_DATA_MS });
      for (const size of sizes) {
        await page.setViewportSize(size);
        await nextFrames(page);
        const where = `/${view} at ${size.width}×${size.height}`;
        expect(await headingsBrokenInsideWords(page), `${where}: headings broken inside a word`).toEqual([]);
        await expectReadableHealthBars(page, teams.get(view)!.healthDistribution, where);
        if (view === 'csa') {
          await page
            .locator('.t-leaders')
            .screenshot({ path: screenshotPath('pglite', `leaders-csa-${size.width}`) });
        }
      }
    }
    await page.close();
  });

  // docs/screenshots and the README show every view on a monitor and on a phone; refreshed on
  // request (PULSE_UPDATE_DOCS_SCREENSHOTS=1), not by every run.
  it.runIf(process.env.PULSE_UPDATE_DOCS_SCREENSHOTS === '1')(
    'writes a screenshot of each view at 1920×1080 and 390 px into docs/screenshots',
    async () => {
      const csm = await pulse.api<TeamView>('/api/kpis/csm');
      const accountId = csm.healthDistribution.colors.red.accountIds[0];
      const views = [
        ...TEAM_VIEWS.map((view) => ({ name: view, path: `/${view}` })),
        { name: 'renewals', path: '/renewals' },
        { name: 'account', path: `/accounts/${accountId}` },
        { name: 'help-kpis', path: '/help/kpis' },
      ];
      await fs.mkdir(DOCS_SCREENSHOT_DIR, { recursive: true });
      const page = await browser.newPage();
      for (const [size, suffix] of [
        [{ width: 1920, height: 1080 }, '1920'],
        [PHONE, '390'],
      ] as const) {
        await page.setViewportSize(size);
        for (const view of views) {
          await page.goto(`${pulse.baseUrl}${view.path}`);
          await waitForTilesLoaded(page);
          await page.screenshot({ path: path.join(DOCS_SCREENSHOT_DIR, `${view.name}-${suffix}.png`) });
        }
      }
      await page.setViewportSize({ width: 1920, height: 1080 });
      for (const panel of [...TEAM_VIEWS, 'renewals']) {
        await page.goto(`${pulse.baseUrl}/wall?views=${panel}&rotate=0&theme=dark`);
        await waitForTilesLoaded(page);
        await page.screenshot({ path: path.join(DOCS_SCREENSHOT_DIR, `wall-${panel}-1920.png`) });
      }
      await page.close();
    },
    120_000,
  );

  it('no page threw an uncaught error', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
