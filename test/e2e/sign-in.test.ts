import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertWebBuilt,
  type Browser,
  createDataLocation,
  type DataLocation,
  E2E_ADMIN_TOKEN,
  FIRST_DATA_MS,
  launchBrowser,
  type Pulse,
  saveScreenshot,
  startPulse,
} from './harness.js';

const CLIENT_ID = 'pulse';
const CLIENT_SECRET = 'e2e-client-secret-that-is-long-enough';

/**
 * Signing in as a person would: through a real OpenID Connect provider (oidc-provider, in this
 * process) with the full redirect flow in chromium; the demo's one-click personas; and a wall
 * display whose token is revoked while it is open.
 */
describe('sign-in in a real browser (pglite)', () => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;
  let identityServer: http.Server;
  let provider: Provider | null = null;

  const adminFetch = (path: string, init: RequestInit = {}) =>
    fetch(`${pulse.baseUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${E2E_ADMIN_TOKEN}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  beforeAll(async () => {
    assertWebBuilt();
    // The provider's port first: Pulse is configured with the issuer, the provider with Pulse's callback.
    identityServer = http.createServer((request, response) => {
      if (provider) provider.callback()(request, response);
      else response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => identityServer.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(identityServer.address() as AddressInfo).port}`;
    location = await createDataLocation('pglite');
    pulse = await startPulse(location, 0, {
      PULSE_OIDC_ISSUER: issuer,
      PULSE_OIDC_CLIENT_ID: CLIENT_ID,
      PULSE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    });
    provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [`${pulse.baseUrl}/api/auth/oidc/callback`],
          response_types: ['code'],
          grant_types: ['authorization_code'],
        },
      ],
      claims: { email: ['email', 'email_verified'] },
      // The test's directory of people: whoever signs in has the e-mail they typed as login.
      findAccount: async (_context, id) => ({
        accountId: id,
        claims: async () => ({ sub: id, email: id, email_verified: true }),
      }),
      cookies: { keys: ['e2e-identity-provider-cookie-key'] },
    });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await pulse?.close();
    await new Promise((resolve) => identityServer?.close(resolve));
    await location?.drop();
  }, 60_000);

  const member = async (role: 'csm' | 'manager') =>
    pulse.database.db
      .selectFrom('team_members')
      .select(['id', 'name', 'email'])
      .where('role', '=', role)
      .orderBy('id')
      .executeTakeFirstOrThrow();

  const expectKpisShown = (page: Page) =>
    page.locator('[data-kpi]').first().waitFor({ timeout: FIRST_DATA_MS });

  it('signs a CSM in through the identity provider (code + PKCE) and lands on their own book', async () => {
    await browser.clearCookies();
    const csm = await member('csm');
    const page = await browser.newPage();
    await page.goto(`${pulse.baseUrl}/`);
    await page.waitForURL(/\/sign-in\?/);
    await page.getByRole('link', { name: 'Sign in with your company account' }).click();

    // The provider's own pages: log in, then allow Pulse to read the e-mail address.
    await page.waitForURL((url) => !url.href.startsWith(pulse.baseUrl));
    await page.locator('input[name="login"]').fill(csm.email);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(
      (url) => url.href.startsWith(pulse.baseUrl) && url.searchParams.get('owner') === csm.id,
      {
        timeout: FIRST_DATA_MS,
      },
    );
    expect(new URL(page.url()).pathname).toBe('/csm');
    await expect.poll(() => page.locator('.who-name').textContent()).toBe(csm.name);
    await expectKpisShown(page);
    await saveScreenshot(page, 'pglite', 'signed-in-csm-book');

    // The session is the browser's: the API answers it, and after signing out it does not.
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json());
    expect(me).toMatchObject({ kind: 'person', role: 'csm', memberId: csm.id });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401);
    await page.close();
  });

  it('refuses someone the identity provider knows but Pulse does not, saying why', async () => {
    await browser.clearCookies();
    const page = await browser.newPage();
    await page.goto(`${pulse.baseUrl}/sign-in`);
    await page.getByRole('link', { name: 'Sign in with your company account' }).click();
    await page.waitForURL((url) => !url.href.startsWith(pulse.baseUrl));
    await page.locator('input[name="login"]').fill('stranger@elsewhere.example');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: FIRST_DATA_MS })
      .toContain('stranger@elsewhere.example is not a team member in Pulse');
    await page.close();
  });

  it('lets a demo visitor in with one click on a persona', async () => {
    await browser.clearCookies();
    const manager = await member('manager');
    const page = await browser.newPage();
    await page.goto(`${pulse.baseUrl}/`);
    await page.getByRole('button', { name: /^Manager/ }).click();
    await page.waitForURL((url) => url.searchParams.get('manager') === manager.id);
    await expectKpisShown(page);
    await saveScreenshot(page, 'pglite', 'sign-in-personas-then-manager');
    // `/` is "my book" for someone signed in too.
    await page.goto(`${pulse.baseUrl}/csa`);
    await page.goto(`${pulse.baseUrl}/`);
    await page.waitForURL((url) => url.pathname === '/csm' && url.searchParams.get('manager') === manager.id);
    await expectKpisShown(page);
    // A manager's wall is their reports' books too: every panel it rotates to shows data, none is
    // refused, and its heading says whose accounts they are (a wall has no filter bar).
    await page.goto(`${pulse.baseUrl}/wall?views=csm,renewals&rotate=2`);
    await page.waitForURL((url) => url.searchParams.get('manager') === manager.id);
    const tileStates = () =>
      page.evaluate(() => ({
        panel: document.querySelector('.wall-view')?.getAttribute('data-panel') ?? '',
        heading: document.querySelector('.wall-view .view-head')?.textContent ?? '',
        states: [...document.querySelectorAll('.wall-view section.tile')].map((tile) =>
          tile.getAttribute('data-state'),
        ),
      }));
    const live = new Set<string>();
    await expect
      .poll(
        async () => {
          const { panel, heading, states } = await tileStates();
          const named = heading.includes(`team of ${manager.name}`);
          if (named && states.length > 0 && states.every((state) => state === 'live')) live.add(panel);
          return [...live].sort();
        },
        { timeout: FIRST_DATA_MS },
      )
      .toEqual(['csm', 'renewals']);
    // Managers may import a CSV: the screen offers the tables, and says nothing is wrong.
    await page.goto(`${pulse.baseUrl}/import`);
    await expect.poll(() => page.getByLabel('Table').locator('option').count()).toBeGreaterThan(10);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.close();
  });

  it('shows the sign-in page at phone and 4K sizes', async () => {
    await browser.clearCookies();
    const page = await browser.newPage();
    for (const size of [
      { width: 390, height: 844 },
      { width: 3840, height: 2160 },
    ]) {
      await page.setViewportSize(size);
      await page.goto(`${pulse.baseUrl}/sign-in`);
      await page.getByRole('button', { name: /^CSM/ }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(overflow, `${size.width} px wide`).toBe(false);
      await saveScreenshot(page, 'pglite', `sign-in-${size.width}`);
    }
    await page.close();
  });

  it('opens a wall with its display token once, and sends it to sign-in within 5 s of revocation', async () => {
    await browser.clearCookies();
    const created = await adminFetch('/api/tokens', {
      method: 'POST',
      body: JSON.stringify({
        kind: 'display',
        name: 'lobby screen',
        views: ['csm', 'cse'],
        filters: { region: 'emea' },
      }),
    });
    expect(created.status).toBe(201);
    const { token, wallUrl } = (await created.json()) as { token: { id: string }; wallUrl: string };
    const wall = await browser.newPage();
    await wall.goto(`${pulse.baseUrl}${wallUrl}&rotate=0`);
    await expectKpisShown(wall);
    // The token is gone from the address bar (and so from screenshots and history).
    expect(new URL(wall.url()).searchParams.has('token')).toBe(false);

    const listed = (await (await adminFetch('/api/tokens')).json()) as {
      tokens: Array<{ id: string; lastUsedAt: string | null }>;
    };
    expect(listed.tokens.find((t) => t.id === token.id)?.lastUsedAt).not.toBeNull();

    const revokedAt = Date.now();
    expect((await adminFetch(`/api/tokens/${token.id}`, { method: 'DELETE' })).status).toBe(204);
    await wall.waitForURL(/\/sign-in/, { timeout: 5_000 });
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    await wall.close();
  });

  it('no page threw an uncaught error', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
