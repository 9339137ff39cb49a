import type { AccountListPage, TeamMembersResponse } from '@pulse/protocol';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  closeE2eStack,
  type DataLocation,
  E2E_DRIVERS,
  openE2eStack,
  PHONE,
  type Pulse,
  saveScreenshot,
} from './harness.js';

/** How many account names contain `text`: the search box lists 8 and says how many more. */
const matching = (accounts: AccountListPage['items'], text: string) =>
  accounts.filter((account) => account.name.toLowerCase().includes(text.toLowerCase())).length;

/** A CSV file as the file picker hands it to the page. */
const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

describe.each(E2E_DRIVERS)('CSV import and account search in the browser (%s)', (driver) => {
  let location: DataLocation;
  let pulse: Pulse;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ location, pulse, browser } = await openE2eStack(driver));
    page = await browser.newPage();
  });
  afterAll(() => closeE2eStack({ browser, pulse, location }));

  it('finds an account from three letters typed after pressing /, and opens its page', async () => {
    const accounts = (await pulse.api<AccountListPage>('/api/accounts?limit=500')).items;
    // Three letters from inside a name that few others share, so it is among the first listed.
    const target = accounts.find(
      (a) => /^[A-Za-z]{5,}/.test(a.name) && matching(accounts, a.name.slice(1, 4)) <= 5,
    ) as (typeof accounts)[number];
    const letters = target.name.slice(1, 4).toLowerCase();
    await page.goto(`${pulse.baseUrl}/csm`);
    // The shortcut works once the app has mounted (after it asked who is signed in).
    await page.getByRole('search').waitFor();
    await page.locator('body').press('/');
    await page.keyboard.type(letters);
    const option = page.getByRole('option', { name: target.name });
    await option.waitFor();
    await saveScreenshot(page, driver, 'search-1920');
    await option.click();
    await page.waitForURL(`**/accounts/${target.id}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(target.name);
  });

  it('searches with Ctrl-K on a phone', async () => {
    const phone = await browser.newPage();
    try {
      await phone.setViewportSize(PHONE);
      const accounts = (await pulse.api<AccountListPage>('/api/accounts?sort=-arr&limit=500')).items;
      const target = accounts.find((a) => matching(accounts, a.name.slice(0, 3)) <= 5);
      await phone.goto(`${pulse.baseUrl}/renewals`);
      await phone.getByRole('search').waitFor();
      await phone.locator('body').press('Control+k');
      await phone.keyboard.type(target?.name.slice(0, 3) ?? '');
      await phone.getByRole('option', { name: target?.name }).waitFor();
      const box = await phone.getByRole('listbox').boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
      await saveScreenshot(phone, driver, 'search-390');
      await phone.keyboard.press('ArrowDown');
      await phone.keyboard.press('ArrowUp');
      await phone.keyboard.press('Enter');
      await phone.waitForURL('**/accounts/**');
    } finally {
      await phone.close();
    }
  });

  it('shows the errors of each row before writing anything, then imports the fixed file and the dashboard moves', async () => {
    const accounts = (await pulse.api<AccountListPage>('/api/accounts?color=green&limit=1')).items;
    const target = accounts[0] as (typeof accounts)[number];
    const members = await pulse.api<TeamMembersResponse>('/api/team-members');
    const author = members.members.find((member) => member.role === 'csm')?.id as string;
    const header = 'external_id,account_id,color,reason,author_id,created_at';
    const now = new Date().toISOString();
    const good = `e2e-ovr-1,${target.id},red,Champion left; renewal at risk,${author},${now}`;
    const bad = `e2e-ovr-2,${target.id},purple,,${author},${now}`;

    // The account page, open in another tab, is the dashboard that must move.
    const watcher = await browser.newPage();
    await watcher.goto(`${pulse.baseUrl}/accounts/${target.id}`);
    await expect(watcher.getByTestId('account-health').getAttribute('class')).resolves.toContain('green');

    await page.goto(`${pulse.baseUrl}/import`);
    await page.getByLabel('Table').selectOption('health_overrides');
    await page.getByLabel('File').setInputFiles(csvFile('overrides.csv', `${header}\n${good}\n${bad}\n`));
    await page.getByRole('button', { name: 'Check file' }).click();
    const errors = page.locator('table.errors tbody tr');
    await errors.first().waitFor();
    await expect(errors.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^3\s*color\s*Invalid option/),
      expect.stringMatching(/^3\s*reason\s*is required/),
    ]);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      '2 rows: 1 ready, 1 with errors',
    );
    await expect(page.getByRole('button', { name: /^Import/ }).isDisabled()).resolves.toBe(true);
    await saveScreenshot(page, driver, 'import-errors-1920');
    const written = await pulse.database.db
      .selectFrom('health_overrides')
      .select('id')
      .where('external_id', 'like', 'e2e-%')
      .execute();
    expect(written).toEqual([]);

    await page.getByLabel('File').setInputFiles(csvFile('overrides.csv', `${header}\n${good}\n`));
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('1 row: 1 ready, 0 with errors').waitFor();
    await page.getByRole('button', { name: 'Import 1 row' }).click();
    await page.getByText('Imported 1 row into health_overrides: 1 new').waitFor();
    await saveScreenshot(page, driver, 'import-done-1920');

    await watcher.waitForFunction(
      () => document.querySelector('[data-testid="account-health"]')?.classList.contains('red'),
      undefined,
      { timeout: 15_000 },
    );
    await watcher.getByTestId('override').waitFor();
    await watcher.close();
  });

  it('leaves out a column set to "(leave out)", even one whose header names a field', async () => {
    await page.goto(`${pulse.baseUrl}/import`);
    await page.getByLabel('Table').selectOption('program_sessions');
    await page
      .getByLabel('File')
      .setInputFiles(
        csvFile('sessions.csv', 'external_id,kind,title,held_on\ne2e-leave-1,webinar,Intro,2026-01-13\n'),
      );
    await page.getByLabel('Field for column title').selectOption({ label: '(leave out)' });
    await page.getByText('No column gives title (required).').waitFor();
    await page.getByRole('button', { name: 'Check file' }).click();
    const errors = page.locator('table.errors tbody tr');
    await errors.first().waitFor();
    await expect(errors.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^2\s*title\s*is required/),
    ]);
  });

  it('imports on a phone: the import screen fits 390 px', async () => {
    const phone = await browser.newPage();
    try {
      await phone.setViewportSize(PHONE);
      await phone.goto(`${pulse.baseUrl}/import`);
      await phone.getByLabel('Table').selectOption('program_sessions');
      await phone
        .getByLabel('File')
        .setInputFiles(
          csvFile('sessions.csv', 'external_id,kind,title,held_on\ne2e-web-1,webinar,Intro,2026-13-01\n'),
        );
      await phone.getByRole('button', { name: 'Check file' }).click();
      await phone.locator('table.errors tbody tr').first().waitFor();
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(PHONE.width);
      await saveScreenshot(phone, driver, 'import-errors-390');
    } finally {
      await phone.close();
    }
  });
});
