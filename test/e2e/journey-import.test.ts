/**
 * Journey 1, from the screens alone: a working group has last year's and this year's results from
 * another vendor, imports them (downloading the template, using the vendor's column names, giving
 * the field period), reads year over year and the trend in date order, and measures its initiative
 * against them. Its own survey and names, so the other journeys' data does not matter.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, expectNoAxeViolations, launchBrowser, saveScreenshot } from './harness.ts';

let browser: Browser;
let page: Page;
const survey = `Vendor engagement survey ${Date.now().toString(36)}`;

/** A vendor's export: its own column names, % favorable with a decimal comma, units without the top unit. */
function vendorCsv(tech: number, whole: string): string {
  return ['Statement ID,Org unit,Respondents,% favorable', `training,,400,"${whole}"`, `training,Technology,150,${tech}`, 'training,Product,70,50', ''].join(
    '\n',
  );
}

async function importWave(name: string, opened: string, closed: string, csv: string): Promise<void> {
  await page.getByRole('link', { name: 'Imported waves' }).click();
  await page.getByRole('heading', { level: 1, name: 'Imported waves' }).waitFor();
  const picker = page.getByLabel('Survey', { exact: true });
  await expect.poll(() => picker.locator('option').count()).toBeGreaterThan(1);
  if ((await picker.locator('option', { hasText: survey }).count()) > 0) await picker.selectOption({ label: survey });
  else {
    await picker.selectOption({ label: 'New survey…' });
    await page.getByLabel('Survey name').fill(survey);
  }
  await page.getByLabel('Wave name').fill(name);
  await page.getByLabel('Field period opened').fill(opened);
  await page.getByLabel('Field period closed').fill(closed);
  await page.getByLabel('CSV file').setInputFiles({ name: `${name}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import' }).click();
}

beforeAll(async () => {
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  page = await context.newPage();
  await page.goto(inject('signInUrl'));
  await page.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
});
afterAll(async () => browser?.close());

describe('journey 1: measure an initiative against a survey run elsewhere', () => {
  it('documents one format with a template, and refuses an unknown column by name', async () => {
    await page.getByRole('link', { name: 'Imported waves' }).click();
    await page.getByRole('heading', { level: 1, name: 'Imported waves' }).waitFor();
    await page.getByText(/Other vendors. names work too/).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the template (CSV)' }).click()]);
    const template = readFileSync((await download.path())!, 'utf8');
    expect(template.split(/\r?\n/)[0]).toBe('statement,unit,n,favorable,1,2,3,4,5');
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-import-form');

    await importWave('Vendor typo', '2014-03-03', '2014-03-21', ['Statement,Org unit,n,% favorable,Comment', 'training,,400,40,fine', ''].join('\n'));
    await page.getByText(/unknown column "Comment"; the columns are statement, unit/).waitFor();
  });

  it('imports this year before last year; year over year and the trend follow the field periods', async () => {
    await importWave('Vendor 2015', '2015-03-02', '2015-03-20', vendorCsv(56, '47,75'));
    await page.getByText(/^Imported “Vendor 2015”: 3 rows/).waitFor();
    await importWave('Vendor 2014', '2014-03-03', '2014-03-21', vendorCsv(30, '38'));
    await page.getByText(/^Imported “Vendor 2014”: 3 rows/).waitFor();

    await page.getByRole('link', { name: 'Surveys', exact: true }).click();
    const card = page.locator('section', { has: page.getByRole('heading', { level: 2, name: survey }) });
    await card.getByRole('link', { name: 'Vendor 2015' }).click();
    await page.getByRole('heading', { level: 1, name: /Vendor 2015/ }).waitFor();
    await page.getByRole('link', { name: 'Year over year' }).click();
    await page.getByRole('heading', { level: 1, name: 'Change between waves' }).waitFor();
    const picker = page.getByLabel(/Org unit/);
    await expect.poll(() => picker.locator('option', { hasText: 'Soundwave > Technology' }).count()).toBeGreaterThan(0);
    await picker.selectOption({ label: 'Soundwave > Technology' });
    // The earlier field period is the baseline although it was imported second: +26 points in Technology.
    const training = page.getByRole('row', { name: /training or development/ }).first();
    await expect.poll(() => training.textContent(), { timeout: 15_000 }).toContain('+26');
    await page.getByText('Soundwave > Technology: Vendor 2014 → Vendor 2015').waitFor();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-import-year-over-year');

    await page.goBack();
    await page.getByRole('link', { name: 'Trend' }).click();
    await page.getByRole('heading', { level: 1, name: 'Trend' }).waitFor();
    await page.getByLabel('Statement').selectOption({ label: 'I am offered training or development to further myself professionally' });
    const rows = page.getByRole('table').first().locator('tbody tr th');
    await expect.poll(() => rows.allTextContents()).toEqual(['Vendor 2014', 'Vendor 2015']);
  });

  it('measures an initiative against the imported waves: the verdict and how much was hoped for', async () => {
    await page.getByRole('link', { name: 'Initiatives' }).click();
    await page.getByRole('heading', { level: 1, name: 'Initiatives' }).waitFor();
    await page.getByText('New initiative').click();
    await page.getByLabel('Name', { exact: true }).fill(`Training budget ${survey}`);
    await page.getByLabel('Hypothesis').fill('A training budget per team makes development easier to find in Technology.');
    await page.getByRole('group', { name: 'Baseline waves' }).getByLabel(`${survey} · Vendor 2014`).check();
    await page
      .getByRole('group', { name: 'Statements' })
      .getByLabel(/training or development/)
      .check();
    await page.getByLabel(/Smallest change worth having.*training/).fill('3');
    const target = page.getByLabel('Target group');
    await expect.poll(() => target.locator('option', { hasText: 'Soundwave > Technology' }).count()).toBeGreaterThan(0);
    await target.selectOption({ label: 'Soundwave > Technology' });
    await page.getByRole('group', { name: 'Follow-up waves' }).getByLabel(`${survey} · Vendor 2015`).check();
    await page.getByRole('button', { name: 'Register initiative' }).click();
    await page.getByRole('heading', { level: 1, name: `Training budget ${survey}` }).waitFor();
    await page.getByText(/^Consistent with the hypothesis and at least the 3 points hoped for: the target rose 26 points more/).waitFor();
    // Registered after both waves were imported: said plainly.
    await page.getByText(/after the follow-up's results were known: exploratory/).waitFor();
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-import-impact');
  });
});
