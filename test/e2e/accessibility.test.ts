/**
 * axe-core on every page of the dashboard: the list of pages is the router's own table, so a page
 * added there without a visit here fails this test. Pages that show different screens by state (a
 * closed wave's results, an open wave's participation, a comparison with and without a wave) are
 * visited in each state, as HR and as an analyst, and signed out.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROUTES } from '../../web/dashboard/lib/routes.ts';
import { DESKTOP, findAxeViolations, launchBrowser, saveScreenshot } from './harness.ts';

const NOT_FOUND = '/no-such-page';
let browser: Browser;
let admin: Page;

/** Ids a user reaches from the surveys and initiatives pages, read from their links. */
interface Ids {
  closedWave: string;
  openWave: string;
  survey: string;
  initiative: string;
}

const idFrom = async (page: Page, link: ReturnType<Page['getByRole']>) => decodeURIComponent((await link.getAttribute('href'))!.split('/').filter(Boolean)[1]);

async function readIds(page: Page): Promise<Ids> {
  await page.goto(`${inject('baseUrl')}/`);
  const annual = page.locator('section', { has: page.getByRole('heading', { level: 2, name: /Annual survey/ }) });
  const pulse = page.locator('section', { has: page.getByRole('heading', { level: 2, name: /Quarterly pulse/ }) });
  await annual.getByRole('link', { name: '2015', exact: true }).waitFor();
  const ids = {
    closedWave: await idFrom(page, annual.getByRole('link', { name: '2015', exact: true })),
    openWave: await idFrom(page, pulse.getByRole('link', { name: 'Q4 pulse' })),
    survey: await idFrom(page, annual.getByRole('link', { name: 'Trends' })),
    initiative: '',
  };
  await page.goto(`${inject('baseUrl')}/initiatives`);
  ids.initiative = await idFrom(page, page.getByRole('link', { name: 'Career Steps' }));
  return ids;
}

/** Every state worth auditing of each route in the router's table; a route missing here fails the test. */
function samplePaths(ids: Ids): Record<string, string[]> {
  const wave = encodeURIComponent(ids.closedWave);
  return {
    signin: ['/signin'],
    surveys: ['/'],
    wave: [`/waves/${wave}`, `/waves/${encodeURIComponent(ids.openWave)}`],
    compare: [`/compare?to=${wave}`, '/compare'],
    heatmap: [`/waves/${wave}/heatmap`],
    trend: [`/surveys/${encodeURIComponent(ids.survey)}/trend`],
    initiatives: ['/initiatives'],
    impact: [`/initiatives/${encodeURIComponent(ids.initiative)}`],
    planner: ['/planner'],
    roster: ['/admin/directory'],
    statements: ['/admin/statements'],
    manage: ['/admin/surveys'],
    import: ['/admin/import'],
    grants: ['/admin/grants'],
  };
}

/** Open a path and wait until the page has drawn what it loads (no "Loading…" left). */
async function settle(page: Page, path: string): Promise<void> {
  await page.goto(`${inject('baseUrl')}${path}`);
  await page
    .getByRole('heading', { level: 1 })
    .first()
    .waitFor({ timeout: 15_000 })
    .catch(() => expect.fail(`${path} shows no heading: ${page.url()}`));
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.getByText('Loading…').count()).toBe(0);
}

async function auditEvery(page: Page, paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    await settle(page, path);
    if (path !== NOT_FOUND) expect(await page.getByRole('heading', { level: 1, name: 'There is no page here.' }).count(), path).toBe(0);
    for (const violation of await findAxeViolations(page)) found.push(`${path}: ${violation}`);
  }
  return found;
}

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  await admin.goto(inject('signInUrl'));
  await admin.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
});
afterAll(async () => browser?.close());

describe('accessibility of every dashboard page (axe-core, WCAG 2.1 AA and best practice)', () => {
  it('every route of the router, as HR, has no violation', async () => {
    const samples = samplePaths(await readIds(admin));
    expect(ROUTES.map(([name]) => name).filter((name) => !samples[name])).toEqual([]);
    // The sign-in page is audited signed out, below; signed in it only forwards to the surveys.
    const paths = ROUTES.flatMap(([name]) => (name === 'signin' ? [] : samples[name]));
    expect(await auditEvery(admin, [...paths, NOT_FOUND])).toEqual([]);
    await saveScreenshot(admin, 'accessibility-not-found');
  });

  it('as an analyst, every page that is not an admin screen has no violation', async () => {
    const analyst = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await analyst.goto(inject('analystSignInUrl'));
    await analyst.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
    const samples = samplePaths(await readIds(admin));
    const paths = ROUTES.filter(([name, pattern]) => name !== 'signin' && !pattern.source.includes('admin')).flatMap(([name]) => samples[name]);
    expect(await auditEvery(analyst, paths)).toEqual([]);
    await analyst.context().close();
  });

  it('signed out, the sign-in page has no violation', async () => {
    const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await page.goto(`${inject('baseUrl')}/signin`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Baseline' }).waitFor();
    expect(await findAxeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
