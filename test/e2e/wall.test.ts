import type { RenewalsView, TeamView } from '@pulse/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCount, formatKpiValue } from '../../web/src/format/index.js';
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
type Panel = (typeof PANELS)[number];
const ROTATE_SECONDS = 2;
/**
 * How long the wall may take to show every panel in a given state: a few rotations (8 s each) on a
 * loaded machine. Generous, and a failure still names each panel not seen so and what it showed.
 */
const EVERY_PANEL_MS = 60_000;

/** What the panel on screen shows, read in one go so the rotation cannot mix two panels. */
interface PanelOnScreen {
  panel: string;
  tiles: { title: string; state: string; age: string }[];
  skeletons: number;
  /** KPI card key → the value shown. */
  cards: Record<string, string>;
  /** Health colour → the count in the distribution's table. */
  health: Record<string, string>;
  /** Accounts of the renewal rows, top down. */
  renewalAccounts: string[];
}

function panelOnScreen(wall: Page): Promise<PanelOnScreen> {
  return wall.evaluate(() => {
    const panel = document.querySelector('.panel');
    const text = (el: Element | null | undefined) => el?.textContent?.trim() ?? '';
    return {
      panel: document.querySelector('.wall-view')?.getAttribute('data-panel') ?? '',
      tiles: [...(panel?.querySelectorAll('section.tile') ?? [])].map((tile) => ({
        title: tile.getAttribute('aria-label') ?? '',
        state: tile.getAttribute('data-state') ?? '',
        age: text(tile.querySelector('[data-testid="data-age"]')),
      })),
      skeletons: panel?.querySelectorAll('.skeleton').length ?? 0,
      cards: Object.fromEntries(
        [...(panel?.querySelectorAll('[data-kpi]') ?? [])].map((card) => [
          card.getAttribute('data-kpi'),
          text(card.querySelector('[data-testid="kpi-value"]')),
        ]),
      ),
      health: Object.fromEntries(
        [...(panel?.querySelectorAll('.t-health tbody tr[data-color]') ?? [])].map((row) => [
          row.getAttribute('data-color'),
          text(row.querySelector('td.num')),
        ]),
      ),
      renewalAccounts: [...(panel?.querySelectorAll('.table-tile tbody tr[data-account]') ?? [])].map(
        (row) => row.getAttribute('data-account') ?? '',
      ),
    };
  });
}

/** What each panel should show, read from the API. */
interface ApiPanels {
  teams: Record<Exclude<Panel, 'renewals'>, TeamView>;
  renewalAccounts: string[];
}

async function readApi(pulse: Pulse): Promise<ApiPanels> {
  const [csm, cse, csa, renewals] = await Promise.all([
    pulse.api<TeamView>('/api/kpis/csm'),
    pulse.api<TeamView>('/api/kpis/cse'),
    pulse.api<TeamView>('/api/kpis/csa'),
    pulse.api<RenewalsView>('/api/kpis/renewals'),
  ]);
  return {
    teams: { csm, cse, csa },
    renewalAccounts: renewals.order.map((id) => renewals.rows[id]!.accountId),
  };
}

/** Where the panel's data differs from the API's, or null when it shows the same numbers. */
function dataDifference(shown: PanelOnScreen, api: ApiPanels): string | null {
  if (shown.panel === 'renewals') {
    const expected = api.renewalAccounts.slice(0, shown.renewalAccounts.length);
    if (shown.renewalAccounts.length === 0) return 'no renewal rows';
    return JSON.stringify(shown.renewalAccounts) === JSON.stringify(expected)
      ? null
      : `renewal rows ${shown.renewalAccounts.join(',')} instead of ${expected.join(',')}`;
  }
  const team = api.teams[shown.panel as Exclude<Panel, 'renewals'>];
  if (!team) return `unknown panel ${shown.panel}`;
  const cards = Object.fromEntries(
    Object.values(team.cards).map((card) => [card.key, formatKpiValue(card.value, card.unit)]),
  );
  const health = Object.fromEntries(
    Object.entries(team.healthDistribution.colors).map(([color, bucket]) => [
      color,
      formatCount(bucket.count),
    ]),
  );
  if (JSON.stringify(sorted(shown.cards)) !== JSON.stringify(sorted(cards))) {
    return `cards ${JSON.stringify(shown.cards)} instead of ${JSON.stringify(cards)}`;
  }
  if (JSON.stringify(sorted(shown.health)) !== JSON.stringify(sorted(health))) {
    return `health ${JSON.stringify(shown.health)} instead of ${JSON.stringify(health)}`;
  }
  return null;
}

function sorted(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

/**
 * Watches the rotating wall until each panel has been on screen showing what `problem` accepts
 * (it answers null). Reads whatever panel is up, however long a read takes, so a slow machine
 * only waits longer; on timeout it lists every panel not yet seen so and what it last showed.
 */
async function seeEveryPanel(
  wall: Page,
  where: string,
  problem: (shown: PanelOnScreen) => string | null,
): Promise<void> {
  const seen = new Set<string>();
  const last = new Map<string, string>();
  await expect
    .poll(
      async () => {
        const shown = await panelOnScreen(wall);
        const found = problem(shown);
        if (found === null) seen.add(shown.panel);
        else last.set(shown.panel, found);
        return PANELS.filter((panel) => !seen.has(panel)).map(
          (panel) => `${panel}: ${last.get(panel) ?? 'not on screen yet'}`,
        );
      },
      { timeout: EVERY_PANEL_MS, interval: 200, message: where },
    )
    .toEqual([]);
}

/** Every tile in `state`, its age line as `age` expects, and no placeholder. */
function tilesProblem(shown: PanelOnScreen, state: 'live' | 'offline', age: RegExp): string | null {
  if (shown.tiles.length === 0) return 'no tiles';
  if (shown.skeletons > 0) return `${shown.skeletons} placeholders`;
  const off = shown.tiles.filter((tile) => tile.state !== state || !age.test(tile.age));
  return off.length === 0 ? null : `tiles ${JSON.stringify(off)}`;
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
    const before = await readApi(pulse);
    const redBefore = before.teams.csm.healthDistribution.colors.red.count;
    // Live first: every panel shows the API's numbers before the server goes away.
    await seeEveryPanel(
      wall,
      'before the outage',
      (shown) => tilesProblem(shown, 'live', /^data from /) ?? dataDifference(shown, before),
    );

    const { port } = pulse;
    await pulse.close();
    await wall.getByTestId('reconnecting').waitFor({ timeout: FIRST_DATA_MS });

    // At every screen size, every panel comes up during the outage with its last data, greyed, saying how old it is.
    for (const size of SCREEN_SIZES) {
      const where = `${size.width}×${size.height}`;
      await wall.setViewportSize(size);
      await seeEveryPanel(
        wall,
        `offline at ${where}`,
        (shown) => tilesProblem(shown, 'offline', /^offline · data from /) ?? dataDifference(shown, before),
      );
      if (size.width === 1920) await saveScreenshot(wall, driver, 'wall-offline');
    }

    // The organisation changes while the wall is cut off; on return the wall shows the change.
    const [accountId] = before.teams.csm.healthDistribution.colors.green.accountIds;
    const database = await openDatabase(location);
    try {
      await logRedSentiment(database, accountId!);
    } finally {
      await database.close();
    }
    pulse = await startPulse(location, port);
    const after = await readApi(pulse);
    expect(after.teams.csm.healthDistribution.colors.red.count, 'the API counts the new red account').toBe(
      redBefore + 1,
    );
    // The banner a person sees go away; the wall's reconnect backoff may take a few seconds.
    await wall.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: EVERY_PANEL_MS });

    // Back live at every size: each panel it rotates to is live and shows the API's numbers, the change included.
    for (const size of SCREEN_SIZES) {
      const where = `${size.width}×${size.height}`;
      await wall.setViewportSize(size);
      await seeEveryPanel(
        wall,
        `resynced at ${where}`,
        (shown) => tilesProblem(shown, 'live', /^data from /) ?? dataDifference(shown, after),
      );
    }
    // What a person counts from: the CSM panel's red button names the new count.
    await healthCountButton(wall, 'red', redBefore + 1).waitFor({ timeout: EVERY_PANEL_MS });
    await wall.close();
  }, 600_000);

  it('no page threw an uncaught error', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
