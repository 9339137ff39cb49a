import type { TeamView } from '@pulse/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  closeE2eStack,
  type DataLocation,
  expectCardsToMatch,
  openE2eStack,
  type Pulse,
  saveScreenshot,
  waitForTilesLoaded,
} from './harness.js';

/**
 * The security headers must not break what they protect: the dashboard (Vue, ECharts' SVG renderer
 * with inline style attributes, the live websocket) and Swagger UI run under the Content Security
 * Policy without a single violation.
 */
describe('security headers in a real browser (pglite)', () => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];

  beforeAll(async () => {
    ({ location, pulse, browser } = await openE2eStack('pglite'));
    page = await browser.newPage();
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) violations.push(message.text());
    });
    // Also counts violations the console does not print (report-only sources, attributes).
    await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation;
        report(
          `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
        );
      });
    });
  });
  afterAll(() => closeE2eStack({ browser, pulse, location }));

  it('sends the usual security headers and no X-Powered-By', async () => {
    for (const path of ['/', '/api/health', '/api/nope']) {
      const { headers } = await fetch(`${pulse.baseUrl}${path}`, { headers: { accept: 'text/html' } });
      expect(headers.get('x-powered-by'), path).toBeNull();
      expect(headers.get('content-security-policy'), path).toContain("default-src 'self'");
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('the dashboard shows its live KPI cards and charts without a CSP violation', async () => {
    const api = await pulse.api<TeamView>('/api/kpis/csm');
    await page.goto(`${pulse.baseUrl}/csm`);
    await expectCardsToMatch(page, api);
    await waitForTilesLoaded(page);
    // ECharts drew its SVG charts (their inline styles are allowed).
    expect(await page.locator('svg path').count()).toBeGreaterThan(10);
    await saveScreenshot(page, 'pglite', 'csp-dashboard');
    expect(violations).toEqual([]);
  });

  it('Swagger UI at /api/docs lists the API without a CSP violation', async () => {
    await page.goto(`${pulse.baseUrl}/api/docs`);
    await expect(page.getByText('/api/accounts/{id}').first().isVisible()).resolves.toBe(true);
    await page.getByText('/api/health').first().waitFor();
    await saveScreenshot(page, 'pglite', 'csp-swagger');
    expect(violations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
