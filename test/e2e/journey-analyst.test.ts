/**
 * Journey 3, from the screens alone: HR grants an analyst one org unit by ticking it in the unit
 * tree; the analyst signs in with their own link and finds the surveys and closed waves, and every
 * picker lists exactly the groups of that unit; results, year over year, heatmap, trend and the
 * impact page work for it, and nothing outside it is offered.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page, Response } from 'playwright-core';
import { DESKTOP, expectNoAxeViolations, launchBrowser, saveScreenshot } from './harness.ts';

let browser: Browser;
let admin: Page;
let analyst: Page;
const TECHNOLOGY = 'Soundwave > Technology';
const productPilot = `Product pilot ${Date.now().toString(36)}`;
const inTechnology = (label: string) => label === TECHNOLOGY || label.startsWith(`${TECHNOLOGY} > `);

/** The labels a picker offers, group headings aside. */
const optionLabels = (page: Page, label: RegExp | string) => page.getByLabel(label).locator('option').allTextContents();

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  await admin.goto(inject('signInUrl'));
  await admin.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
  // The analyst's tab is a separate session: sessionStorage is per context.
  analyst = await (await browser.newContext({ viewport: DESKTOP })).newPage();
});
afterAll(async () => browser?.close());

describe('journey 3: the analyst sees their own units', () => {
  it('HR ticks the analyst’s unit in the unit tree', async () => {
    await admin.getByRole('link', { name: 'Analyst access' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Analyst access' }).waitFor();
    await admin.getByLabel('Subject id').fill('local-analyst');
    await admin.getByRole('button', { name: 'Load' }).click();
    await admin.getByText('Showing the grants of local-analyst.').waitFor();
    for (const box of await admin.getByRole('checkbox', { checked: true }).all()) await box.uncheck();
    await admin.getByRole('checkbox', { name: TECHNOLOGY, exact: true }).check();
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Saved: local-analyst may read 1 org units.').waitFor();
    await expectNoAxeViolations(admin);
    await saveScreenshot(admin, 'journey-analyst-grants');

    // Another working group's initiative, outside the analyst's unit.
    await admin.getByRole('link', { name: 'Initiatives' }).click();
    await admin.getByText('New initiative').click();
    await admin.getByLabel('Name', { exact: true }).fill(productPilot);
    await admin.getByLabel('Hypothesis').fill('Product roadmaps shared earlier make the strategy easier to understand in Product.');
    await admin.getByRole('group', { name: 'Baseline waves' }).getByLabel('Annual survey · 2015').check();
    await admin.getByRole('group', { name: 'Statements' }).getByLabel('I understand where the company is heading').check();
    const target = admin.getByLabel('Target group');
    await expect.poll(() => target.locator('option', { hasText: 'Soundwave > Product' }).count()).toBeGreaterThan(0);
    await target.selectOption({ label: 'Soundwave > Product' });
    await admin.getByRole('button', { name: 'Register initiative' }).click();
    await admin.getByRole('heading', { level: 1, name: productPilot }).waitFor();
  });

  it('the analyst lands on the surveys and the closed waves they can read', async () => {
    await analyst.goto(inject('analystSignInUrl'));
    await analyst.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
    await analyst.getByText(/their results show the org units granted to you/).waitFor();
    await analyst.getByRole('link', { name: '2015', exact: true }).waitFor();
    // The open pulse has no results to read yet; the admin screens are not offered.
    expect(await analyst.getByRole('link', { name: 'Q4 pulse' }).count()).toBe(0);
    expect(await analyst.getByRole('navigation', { name: 'Admin' }).count()).toBe(0);
    await expectNoAxeViolations(analyst);
    await saveScreenshot(analyst, 'journey-analyst-surveys');
  });

  it('results and year over year: the picker lists exactly the granted unit and what lies below it', async () => {
    await analyst.getByRole('link', { name: '2015', exact: true }).click();
    await analyst.getByRole('heading', { level: 1, name: /2015/ }).waitFor();
    await expect.poll(() => optionLabels(analyst, /Org unit/)).toContain(TECHNOLOGY);
    const offered = await optionLabels(analyst, /Org unit/);
    expect(offered.filter((label) => !inTechnology(label))).toEqual([]);
    expect(offered).toContain(`${TECHNOLOGY} > Playback`);
    // It opens on the granted unit, not on the whole organization the analyst may not read.
    await analyst.getByRole('table').first().waitFor();
    expect(await analyst.getByText('Something went wrong').count()).toBe(0);
    await expectNoAxeViolations(analyst);
    await saveScreenshot(analyst, 'journey-analyst-results');

    await analyst.getByRole('link', { name: 'Year over year' }).click();
    await analyst.getByRole('heading', { level: 1, name: 'Change between waves' }).waitFor();
    await expect.poll(async () => (await optionLabels(analyst, /Org unit/)).filter((label) => !inTechnology(label))).toEqual([]);
    await analyst.getByLabel(/Org unit/).selectOption({ label: TECHNOLOGY });
    const expectations = analyst.getByRole('row', { name: /Management makes its expectations clear/ }).first();
    await expect.poll(() => expectations.textContent(), { timeout: 15_000 }).toContain('+4');
    expect(await analyst.getByText('Something went wrong').count()).toBe(0);
  });

  it('the heatmap shows only the granted groups, and the trend works for the unit', async () => {
    await analyst.goBack();
    await analyst.getByRole('link', { name: 'Heatmap' }).click();
    await analyst.getByRole('heading', { level: 1, name: 'Heatmap' }).waitFor();
    const columns = analyst.getByRole('table').first().locator('thead th.segment');
    await expect.poll(() => columns.count()).toBeGreaterThan(0);
    expect((await columns.allTextContents()).map((text) => text.trim()).filter((label) => !inTechnology(label))).toEqual([]);
    await expectNoAxeViolations(analyst);
    await saveScreenshot(analyst, 'journey-analyst-heatmap');

    await analyst.goBack();
    // The trend asks for nothing the analyst may not read on the way in (it once asked for the whole organization first and showed the refusal).
    const refused: string[] = [];
    const watch = (response: Response) => {
      if (response.url().includes('/trend') && response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
    };
    analyst.on('response', watch);
    await analyst.getByRole('link', { name: 'Trends' }).click();
    await analyst.getByRole('heading', { level: 1, name: 'Trend' }).waitFor();
    await expect.poll(() => analyst.getByRole('table').first().locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    analyst.off('response', watch);
    expect(refused).toEqual([]);
    expect(await analyst.getByText('Something went wrong').count()).toBe(0);
    const unit = analyst.getByLabel(/Org unit/);
    if ((await unit.evaluate((element) => element.tagName)) === 'SELECT') await unit.selectOption({ label: TECHNOLOGY });
    else {
      await unit.fill(TECHNOLOGY);
      await unit.press('Enter');
    }
    await analyst.getByText(new RegExp(`· ${TECHNOLOGY}$`)).waitFor();
    await expect.poll(() => analyst.getByRole('table').first().locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
  });

  it('initiatives: the impact page of one in the unit works, and a registration offers only the granted groups', async () => {
    await analyst.getByRole('link', { name: 'Initiatives' }).click();
    await analyst.getByRole('heading', { level: 1, name: 'Initiatives' }).waitFor();
    await analyst.getByRole('link', { name: 'Career Steps' }).waitFor();
    // Initiatives outside the grants are not listed.
    expect(await analyst.getByRole('link', { name: productPilot }).count()).toBe(0);
    await analyst.getByRole('link', { name: 'Career Steps' }).click();
    await analyst.getByRole('heading', { level: 1, name: 'Career Steps' }).waitFor();
    await analyst.getByRole('table', { name: 'Impact' }).waitFor();
    expect(await analyst.getByText('Something went wrong').count()).toBe(0);
    await saveScreenshot(analyst, 'journey-analyst-impact');

    await analyst.goBack();
    await analyst.getByText('New initiative').click();
    await analyst.getByRole('group', { name: 'Baseline waves' }).getByLabel('Annual survey · 2014').check();
    const target = analyst.getByLabel('Target group');
    await expect.poll(() => target.locator('option', { hasText: TECHNOLOGY }).count()).toBeGreaterThan(0);
    const targets = (await target.locator('option').allTextContents()).slice(1);
    expect(targets.filter((label) => !inTechnology(label))).toEqual([]);
    const comparisons = (await analyst.getByLabel('Comparison group').locator('option').allTextContents()).slice(1);
    expect(comparisons.filter((label) => !inTechnology(label))).toEqual([]);
    await expectNoAxeViolations(analyst);
  });
});
