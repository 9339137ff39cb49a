import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Color, HealthDistribution, Role, TeamView } from '@pulse/domain';
import pg from 'pg';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { AccessRepository } from '../../server/src/access/access.repository.js';
import { AccessService, SESSION_COOKIE } from '../../server/src/access/access.service.js';
import { startServer } from '../../server/src/app.js';
import { type AppConfig, loadConfig } from '../../server/src/config/app-config.js';
import { createDatabase, type PulseDatabase } from '../../server/src/database/create-database.js';
import { DATABASE } from '../../server/src/database/database.module.js';
import { SimulatorService } from '../../server/src/demo/simulator.service.js';
import { formatCount, formatKpiValue, formatLabel, formatPercent } from '../../web/src/format/index.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB_INDEX = path.join(REPO_ROOT, 'web/dist/index.html');
/** Screenshots are test artifacts (gitignored), not fixtures. */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results/screenshots');
export const DOCS_SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs/screenshots');

/** Debian's chromium; the tests never download a browser. */
const CHROMIUM = '/usr/bin/chromium';
/** Seeding and scoring stay quick on the embedded database with this many demo accounts. */
const DEMO_ACCOUNTS = '120';
/** How long a page may take to show its first data (loads the view's chunk, subscribes, gets the snapshot). */
export const FIRST_DATA_MS = 15_000;

/** The screens issue 13 names: a laptop, the common monitor, a large monitor and a 4K wall screen. */
export const SCREEN_SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
  { width: 2560, height: 1440 },
  { width: 3840, height: 2160 },
] as const;
/** A common phone (issue 13: an AE checks an account before a call). */
export const PHONE = { width: 390, height: 844 } as const;

export type Driver = 'pglite' | 'pg';
/** PGlite always; Postgres too when DATABASE_URL points at a server. */
export const E2E_DRIVERS: readonly Driver[] = process.env.DATABASE_URL ? ['pglite', 'pg'] : ['pglite'];

/** The server serves web/dist; without it every page is a 404 and the failures would mislead. */
export function assertWebBuilt(): void {
  if (!existsSync(WEB_INDEX)) {
    throw new Error(
      `No web build at ${WEB_INDEX}: run pnpm build first (the browser tests load the built app)`,
    );
  }
}

/** Where one test file keeps its data: a temporary PULSE_DATA_DIR, plus a fresh Postgres database on pg. */
export interface DataLocation {
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  drop(): Promise<void>;
}

export async function createDataLocation(driver: Driver): Promise<DataLocation> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-'));
  const removeDir = () => fs.rm(dataDir, { recursive: true, force: true });
  if (driver === 'pglite') return { dataDir, databaseUrl: null, drop: removeDir };

  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const name = `pulse_e2e_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  return {
    dataDir,
    databaseUrl: databaseUrl.toString(),
    async drop() {
      await admin(`drop database if exists ${name} with (force)`);
      await removeDir();
    },
  };
}

/** Opens the database of a location directly, e.g. to write while the server is down. */
export function openDatabase(location: DataLocation): Promise<PulseDatabase> {
  return createDatabase({ databaseUrl: location.databaseUrl, dataDir: location.dataDir });
}

/** PULSE_ADMIN_TOKEN of the test servers: `api()` sends it. */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdefghijklmnop';

/** A browser cookie (Playwright's shape) holding a signed-in session. */
export interface SessionCookie {
  name: string;
  value: string;
  url: string;
}

export interface Pulse {
  readonly baseUrl: string;
  readonly port: number;
  /** The server's own database (its Kysely instance), for writes "through SQL". */
  readonly database: PulseDatabase;
  /** GET a JSON path of the API as the admin token; fails on any status but 200. */
  api<T>(pathAndQuery: string): Promise<T>;
  /** Runs the demo simulator at `rate` writes a second until the returned stop is awaited. */
  simulate(rate: number): Promise<() => Promise<void>>;
  /**
   * A session of the first team member with this role (an admin by default), opened on the server
   * as a sign-in would: browsers get it as their cookie (openE2eStack signs its browser in so).
   */
  sessionCookie(role?: Role): Promise<SessionCookie>;
  close(): Promise<void>;
}

/**
 * Pulse as `pnpm start` runs it, in this process: the demo organisation seeded on first start,
 * simulator off so every number is deterministic. `port` 0 picks a free port; a restart passes the
 * previous one so the open page reconnects to it.
 */
export async function startPulse(
  location: DataLocation,
  port = 0,
  env: Readonly<Record<string, string>> = {},
): Promise<Pulse> {
  const config: AppConfig = loadConfig({
    PORT: String(port),
    PULSE_DATA_DIR: location.dataDir,
    DATABASE_URL: location.databaseUrl ?? undefined,
    PULSE_SIMULATE_RATE: '0',
    PULSE_DEMO_ACCOUNTS: DEMO_ACCOUNTS,
    PULSE_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const app = await startServer(config, { logger: false });
  const address = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    port: address.port,
    database: app.get<PulseDatabase>(DATABASE),
    async api<T>(pathAndQuery: string): Promise<T> {
      const response = await fetch(`${baseUrl}${pathAndQuery}`, {
        headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
      });
      if (response.status !== 200) {
        throw new Error(`GET ${pathAndQuery} answered ${response.status}: ${await response.text()}`);
      }
      return (await response.json()) as T;
    },
    async simulate(rate: number) {
      const simulator = app.get(SimulatorService);
      await simulator.start(rate);
      return () => simulator.stop();
    },
    async sessionCookie(role: Role = 'admin') {
      const [member] = await app.get(AccessRepository).personas([role]);
      if (!member) throw new Error(`the demo organisation has no ${role}`);
      const { sessionId } = await app.get(AccessService).signIn(member, 'test-harness');
      return { name: SESSION_COOKIE, value: sessionId, url: baseUrl };
    },
    close: () => app.close(),
  };
}

export interface Browser {
  /** A new tab at 1920×1080 that fails the test on any uncaught page error. */
  newPage(): Promise<Page>;
  /** Uncaught errors thrown in any page so far. */
  readonly pageErrors: string[];
  /** Signs every tab in (or out, with `clearCookies`) through the session cookie. */
  signIn(cookie: SessionCookie): Promise<void>;
  clearCookies(): Promise<void>;
  close(): Promise<void>;
}

/** Headless Debian chromium with a fresh profile, nothing fetched from the network but the app. */
export async function launchBrowser(): Promise<Browser> {
  const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1920, height: 1080 },
      timeout: 30_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    await fs.rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  return {
    pageErrors,
    signIn: (cookie) => context.addCookies([cookie]),
    clearCookies: () => context.clearCookies(),
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      return page;
    },
    async close() {
      await context.close();
      await fs.rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until no tile shows a skeleton and every chart had a frame to draw. */
export async function waitForTilesLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll('[aria-busy="true"], .skeleton').length === 0,
    undefined,
    { timeout: FIRST_DATA_MS },
  );
  // ECharts draws on the next animation frames; its entry animation is 300 ms.
  await page.waitForTimeout(600);
}

export const screenshotPath = (driver: Driver, name: string) =>
  path.join(SCREENSHOT_DIR, driver, `${name}.png`);

export async function saveScreenshot(page: Page, driver: Driver, name: string): Promise<string> {
  const file = screenshotPath(driver, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

export const COLOR_NAMES: Record<Color, string> = {
  green: 'Green',
  yellow: 'Yellow',
  red: 'Red',
  grey: 'Grey',
};

/** Every KPI card on the page reads as the API's card, formatted as the UI formats it. */
export async function expectCardsToMatch(page: Page, api: TeamView): Promise<void> {
  await expect
    .poll(() => page.locator('[data-kpi]').count(), { timeout: FIRST_DATA_MS })
    .toBe(Object.keys(api.cards).length);
  for (const card of Object.values(api.cards)) {
    const tile = page.locator(`[data-kpi="${card.key}"]`);
    const shown = {
      value: (await tile.getByTestId('kpi-value').textContent())?.trim(),
      color: (await tile.getByTestId('kpi-color').textContent())?.trim(),
    };
    expect(shown, card.key).toEqual({
      value: formatKpiValue(card.value, card.unit),
      color: formatLabel(card.color),
    });
  }
}

/** The health distribution's "Show N <colour> accounts" button: what a person counts from. */
export function healthCountButton(page: Page, color: Color, count: number) {
  return page.getByRole('button', { name: `Show ${count} ${COLOR_NAMES[color]} accounts`, exact: true });
}

/** One coloured part of the health bars as a person sees it. */
export interface HealthBarPart {
  bar: string;
  color: string;
  text: string;
  /** Its label's text size and the part's height, in px. */
  fontPx: number;
  heightPx: number;
  /** The label does not fit its part, or the part sticks out of its bar. */
  cut: boolean;
}

/** The parts of the health bars on the page (the accounts bar, then the ARR bar). */
export function healthBarParts(page: Page): Promise<HealthBarPart[]> {
  return page.locator('.health .bar .segment').evaluateAll((parts) =>
    parts.map((part) => {
      const box = part.getBoundingClientRect();
      const bar = part.parentElement!.getBoundingClientRect();
      return {
        bar: part.closest('[data-bar]')?.getAttribute('data-bar') ?? '',
        color: part.getAttribute('data-color') ?? '',
        text: (part.textContent ?? '').trim(),
        fontPx: Number.parseFloat(getComputedStyle(part).fontSize),
        heightPx: box.height,
        cut:
          part.scrollWidth > part.clientWidth + 1 || box.left < bar.left - 0.5 || box.right > bar.right + 0.5,
      };
    }),
  );
}

/**
 * What the health bars should read for a distribution: each colour present, its count and share of
 * accounts, then its share of ARR (a wall shows the accounts bar only).
 */
export function expectedHealthBarLabels(
  distribution: HealthDistribution,
  bars: readonly string[] = ['Accounts', 'ARR'],
): { bar: string; color: string; text: string }[] {
  const colors = (['green', 'yellow', 'red', 'grey'] as const).map((color) => ({
    color,
    ...distribution.colors[color],
  }));
  return [
    ...colors
      .filter((c) => c.count > 0)
      .map((c) => ({
        bar: 'Accounts',
        color: c.color,
        text: `${formatCount(c.count)} · ${formatPercent(c.count / distribution.totalCount)}`,
      })),
    ...colors
      .filter((c) => (c.arrShare ?? 0) > 0)
      .map((c) => ({ bar: 'ARR', color: c.color, text: formatPercent(c.arrShare) })),
  ].filter((part) => bars.includes(part.bar));
}

/**
 * The health bars read as the API's distribution and can be read: every label whole, at least 12 px,
 * in a part taller than its text (not a thin strip).
 */
export async function expectReadableHealthBars(
  page: Page,
  distribution: HealthDistribution,
  where: string,
  bars?: readonly string[],
) {
  const labels = async () =>
    (await healthBarParts(page)).map(({ bar, color, text }) => ({ bar, color, text }));
  // The first data may still be on its way when the page's skeletons are gone (its chunk loading).
  await expect
    .poll(labels, { timeout: FIRST_DATA_MS, message: `${where}: health bar labels` })
    .toEqual(expectedHealthBarLabels(distribution, bars));
  const parts = await healthBarParts(page);
  const unreadable = parts.filter((p) => p.cut || p.fontPx < 12 || p.heightPx < p.fontPx * 1.3);
  expect(unreadable, `${where}: health bar parts cut or too small to read`).toEqual([]);
}

/**
 * Leaderboard headings broken inside a word: a word of the heading laid over two lines, or wider
 * than its column. A hyphen ends a word as a space does ("Post-" / "engagement" may wrap, as in
 * print). Words hidden by the line clamp still count (they are laid out all the same).
 */
export function headingsBrokenInsideWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = [];
    for (const heading of document.querySelectorAll('.leaderboard thead th')) {
      const cell = heading.getBoundingClientRect();
      const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of (node.textContent ?? '').matchAll(/[^\s-]+-?/g)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          const lines = new Set(
            [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)),
          );
          const box = range.getBoundingClientRect();
          if (lines.size > 1 || box.left < cell.left - 0.5 || box.right > cell.right + 0.5) {
            broken.push(`${heading.textContent?.trim()}: "${word[0]}"`);
          }
        }
      }
    }
    return broken;
  });
}

/** Resolves after the browser laid out and painted twice more (a resize has taken effect). */
export function nextFrames(page: Page): Promise<void> {
  return page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

/** The account's CSM logs red sentiment: KPIS.md §1.4 makes the account red whatever its score. */
export async function logRedSentiment(database: PulseDatabase, accountId: string): Promise<void> {
  const { csm_id } = await database.db
    .selectFrom('accounts')
    .select('csm_id')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  expect(csm_id, `${accountId} has a CSM`).not.toBeNull();
  await database.db
    .insertInto('timeline_entries')
    .values({
      account_id: accountId,
      author_id: csm_id,
      kind: 'call',
      occurred_at: new Date(),
      sentiment: 'red',
      summary: 'Escalation: the sponsor is evaluating a competitor',
    })
    .execute();
}

/**
 * What sticks out of its tile on the page: any element (an SVG counts as one) reaching past its
 * tile's body — a row cut through its text, a chip cut in half, a chart's axis below the edge.
 */
export function overflowingTileContent(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const tile of document.querySelectorAll('section.tile')) {
      const body = tile.querySelector('.tile-body');
      if (!body) continue;
      const box = body.getBoundingClientRect();
      for (const el of body.querySelectorAll('*')) {
        if (el.closest('svg') !== null && el.tagName.toLowerCase() !== 'svg') continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (
          r.bottom > box.bottom + 1 ||
          r.right > box.right + 1 ||
          r.top < box.top - 1 ||
          r.left < box.left - 1
        ) {
          const text = (el.textContent ?? '').trim().slice(0, 40);
          problems.push(`${tile.getAttribute('aria-label')}: <${el.tagName.toLowerCase()}> "${text}"`);
          break;
        }
      }
    }
    return problems;
  });
}

/** What every browser test runs against: a fresh database, Pulse on it, and a browser. */
export interface E2eStack {
  location: DataLocation;
  pulse: Pulse;
  browser: Browser;
}

/** Opens an {@link E2eStack}; if a part fails to start, what was already open is closed again. */
export async function openE2eStack(driver: Driver): Promise<E2eStack> {
  assertWebBuilt();
  const opened: Partial<E2eStack> = {};
  try {
    opened.location = await createDataLocation(driver);
    opened.pulse = await startPulse(opened.location);
    opened.browser = await launchBrowser();
    // Every page opens signed in as an admin (the whole organisation), as the tests expect.
    await opened.browser.signIn(await opened.pulse.sessionCookie());
    return opened as E2eStack;
  } catch (error) {
    await closeE2eStack(opened);
    throw error;
  }
}

/** Closes the browser, stops Pulse and drops its database (whichever of them are open). */
export async function closeE2eStack(stack: Partial<E2eStack>): Promise<void> {
  await stack.browser?.close();
  await stack.pulse?.close();
  await stack.location?.drop();
}
