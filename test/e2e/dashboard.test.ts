import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DESKTOP, expectNoAxeViolations, launchBrowser, PHONE, saveScreenshot } from './harness.ts';

let browser: Browser;

/** At 360 px nothing may widen the page: wide tables scroll inside their own region. */
async function expectNoSidewaysScroll(): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
}
let context: BrowserContext;
let page: Page;

/** Go to a dashboard path in the signed-in tab and wait for its main heading. */
async function visit(path: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${inject('baseUrl')}${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: DESKTOP });
  page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(inject('signInUrl'));
  await page.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
});
afterAll(async () => browser?.close());

describe('the dashboard, signed in with the local sign-in link', () => {
  it('lists the surveys with their waves and status, and drops the token from the address', async () => {
    expect(new URL(page.url()).hash).toBe('');
    await page.getByRole('link', { name: '2015' }).waitFor();
    await expect.poll(() => page.getByText('Open', { exact: true }).count()).toBeGreaterThan(0);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-surveys');
    // The token is per tab (sessionStorage), so the phone view is this tab resized.
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-surveys-phone');
    await page.setViewportSize(DESKTOP);
  });

  it('shows live participation of the open wave by org unit, and no scores', async () => {
    await visit('/', 'Surveys and waves');
    await page.getByRole('link', { name: 'Q4 pulse' }).click();
    await page.getByRole('table', { name: 'Participation' }).waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Technology/ }).count()).toBeGreaterThan(0);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-participation');
  });

  it('shows the 2014 → 2015 comparison for Technology with +4 and +6', async () => {
    await visit('/', 'Surveys and waves');
    await page.getByRole('link', { name: '2015' }).click();
    await page.getByRole('link', { name: 'Year over year' }).click();
    await page.getByRole('heading', { level: 1, name: 'Change between waves' }).waitFor();
    const picker = page.getByLabel(/Org unit/);
    const technology = await picker
      .locator('option')
      .filter({ hasText: /> Technology$/ })
      .first()
      .getAttribute('value');
    await picker.selectOption(technology!);
    const expectations = page.getByRole('row', { name: /Management makes its expectations clear/ }).first();
    const training = page.getByRole('row', { name: /training or development/ }).first();
    await expect.poll(() => expectations.textContent(), { timeout: 15_000 }).toContain('+4');
    expect(await training.textContent()).toContain('+6');
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-year-over-year-technology');
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-year-over-year-technology-phone');
    await page.setViewportSize(DESKTOP);
  });

  it('shows wave results, the heatmap and the trend with tables under the charts', async () => {
    await visit('/', 'Surveys and waves');
    await page.getByRole('link', { name: '2015' }).click();
    await page.getByRole('table').first().waitFor();
    await page.getByRole('heading', { level: 2, name: 'Comments' }).waitFor();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-wave-results');
    // Printed, the page is a clean report: no navigation, filters or buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    expect(await page.locator('header.top').isVisible()).toBe(false);
    await saveScreenshot(page, 'dashboard-wave-results-print');
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('link', { name: 'Heatmap' }).click();
    await page.getByRole('heading', { level: 1, name: 'Heatmap' }).waitFor();
    await page.getByRole('table').first().waitFor();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-heatmap');
    await visit('/', 'Surveys and waves');
    // Other browser tests add surveys of their own: pick the demo's annual survey's trend.
    await page
      .locator('section', { has: page.getByRole('heading', { level: 2, name: /Annual survey/ }) })
      .getByRole('link', { name: 'Trends' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Trend' }).waitFor();
    await page.getByRole('table').first().waitFor();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-trend');
  });

  it('opens the Career Steps impact page', async () => {
    await visit('/initiatives', 'Initiatives');
    await page.getByRole('link', { name: 'Career Steps' }).click();
    await page.getByRole('heading', { level: 1, name: 'Career Steps' }).waitFor();
    await page.getByRole('table', { name: 'Impact' }).waitFor();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-impact-career-steps');
  });

  it('runs the power planner in the browser', async () => {
    await visit('/planner', 'Power planner');
    const before = await page.getByText(/Only changes beyond/).textContent();
    await page.getByLabel(/first wave/).fill('1500');
    await page.getByLabel(/second wave/).fill('1500');
    await expect.poll(() => page.getByText(/Only changes beyond/).textContent()).not.toBe(before);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-planner');
  });

  it('uploads a directory with one bad row and shows that row’s error', async () => {
    await visit('/admin/directory', 'People directory');
    const csv = ['email,orgUnit,location', 'ann@example.com,Soundwave > People,London', 'not-an-email,Soundwave > People,London', ''].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload' }).click();
    const rejected = page.getByRole('table', { name: 'Rejected rows' });
    await rejected.waitFor();
    const cells = await rejected.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['3', 'email']);
    expect(await rejected.locator('tbody tr').count()).toBe(1);
    await expect.poll(() => page.getByText(/Nothing was imported/).isVisible()).toBe(true);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-directory-rejected-row');
  });

  it('creates a survey and a wave, opens it and watches its job finish', async () => {
    await visit('/admin/surveys', 'Surveys and waves');
    await page.getByLabel('Survey name').fill('Browser test pulse');
    await page.getByRole('button', { name: 'Create survey' }).click();
    await page.getByRole('heading', { level: 2, name: 'Browser test pulse' }).waitFor();
    await page.getByLabel('Survey', { exact: true }).selectOption({ label: 'Browser test pulse' });
    await page.getByLabel('Wave name').fill('First wave');
    const statements = page.getByRole('group', { name: 'Statements' }).getByRole('checkbox');
    await statements.nth(0).check();
    await statements.nth(1).check();
    await page.getByRole('button', { name: 'Create draft wave' }).click();
    const open = page.getByRole('button', { name: 'Open First wave' });
    await open.click();
    await page.getByText('Open: done.').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Close First wave' }).waitFor();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-wave-opened');
  });

  it('grants an analyst access to one unit and reads it back', async () => {
    await visit('/admin/grants', 'Analyst access');
    await page.getByLabel('Subject id').fill('analyst-e2e');
    await page.getByRole('checkbox', { name: 'Soundwave > Technology', exact: true }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved: analyst-e2e may read 1 org units.').waitFor();
    await page.getByRole('checkbox', { name: 'Soundwave > Technology', exact: true }).uncheck();
    await page.getByRole('button', { name: 'Load' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Soundwave > Technology', exact: true }).isChecked()).toBe(true);
  });

  it('imports the aggregate results of a survey run elsewhere as a closed wave', async () => {
    await visit('/admin/import', 'Imported waves');
    // A survey of its own: the demo's Annual survey stays as other tests expect it.
    await page.getByLabel('Survey', { exact: true }).selectOption({ label: 'New survey…' });
    await page.getByLabel('Survey name').fill('Other tool');
    await page.getByLabel('Wave name').fill('2013 (other tool)');
    await page.getByLabel('Field period opened').fill('2013-03-04');
    const csv = ['statement,unit,n,favorable', 'mgmt-expectations,,300,52', 'training,,300,41', ''].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'import.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText(/^Imported “2013 \(other tool\)”/).waitFor();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'dashboard-import-done');
  });

  it('has no accessibility violation on the remaining pages', async () => {
    for (const [path, heading] of [
      ['/admin/statements', 'Statement bank'],
      ['/admin/import', 'Imported waves'],
      ['/admin/grants', 'Analyst access'],
      ['/initiatives', 'Initiatives'],
    ] as const) {
      await visit(path, heading);
      await page.waitForLoadState('networkidle');
      await expectNoAxeViolations(page);
      await saveScreenshot(page, `dashboard-${path.split('/').pop()}`);
    }
  });
});
