/**
 * The Swedish dashboard, on real pages: theme names, intervals, "everyone outside", a choice
 * question's options and every number (decimal comma, "%" after a space, the true minus) follow the
 * language picked in the header, and so do the CSV files' header rows. The statement bank names each
 * scale in words. The only calls the test makes itself are employees' own submissions.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parseCsv } from '../../shared/csv.ts';
import { DESKTOP, launchBrowser, readInvitationLinks, saveScreenshot } from './harness.ts';

const SURVEY = `Swedish journey ${Date.now().toString(36)}`;
let browser: Browser;
let page: Page;

/** The rows of the first CSV a click downloads. */
async function downloadCsv(click: () => Promise<void>): Promise<string[][]> {
  const download = page.waitForEvent('download');
  await click();
  const chunks = await (await (await download).createReadStream()).toArray();
  return parseCsv(
    Buffer.concat(chunks)
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
  ).map((row) => row.fields);
}

/** The text of every cell of a table's body rows. */
const bodyRows = (table: ReturnType<Page['getByRole']>) =>
  table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => (cell.textContent ?? '').trim())));

/** The demo's annual survey, whatever other surveys earlier browser tests added. */
const annualSurvey = () => page.getByRole('region', { name: 'Annual survey', exact: true });

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(inject('signInUrl'));
  await page.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
});
afterAll(async () => browser?.close());

describe('the Swedish dashboard', () => {
  it('the statement bank names each scale in words, and a choice question gets Swedish options and a Swedish theme', async () => {
    await page.goto(`${inject('baseUrl')}/admin/statements`);
    const expectations = page.getByRole('row', { name: /^mgmt-expectations/ });
    await expectations.waitFor();
    expect(await expectations.locator('td').nth(3).textContent()).toMatch(/^\s*Agree scale, 1–5\s*Strongly disagree … Strongly agree\s*$/);
    expect(await page.getByRole('row', { name: /^enps/ }).locator('td').nth(3).textContent()).toContain('eNPS, 0–10');
    // Every row names its scale in words, never by its code (agree5, health3 …).
    const scales = await page.locator('tbody tr td:nth-child(4)').allTextContents();
    expect(
      scales.filter((text) => !/^(Agree scale, 1–5|eNPS, 0–10|Health check: red \/ yellow \/ green|Choice: one option|Comment: free text)/.test(text.trim())),
    ).toEqual([]);

    await page.locator('#st-id').fill('sv-e2e-commute');
    await page.locator('#st-en').fill('How do you usually get to work?');
    await page.locator('#st-sv').fill('Hur tar du dig oftast till jobbet?');
    await page.locator('#st-theme').fill('Workplace');
    await page.getByLabel('Theme (Swedish, optional)').fill('Arbetsplats');
    await page.getByLabel('Scale').selectOption({ label: 'Choice: one option' });
    await page.locator('#st-options').fill('By bike\nBy train\nOn foot');
    await page.getByLabel(/Options in Swedish/).fill('Med cykel\nMed tåg\nTill fots');
    await page.getByRole('button', { name: 'Add a statement' }).click();
    await page.getByText('Statement sv-e2e-commute added.').waitFor();
    const commute = page.getByRole('row', { name: /^sv-e2e-commute/ });
    expect(await commute.locator('td').nth(3).textContent()).toMatch(/Choice: one option\s*By bike · By train · On foot/);
  });

  it('runs a wave with the choice question: thirty colleagues answer', async () => {
    await page.goto(`${inject('baseUrl')}/admin/surveys`);
    await page.getByLabel('Survey name').fill(SURVEY);
    await page.getByRole('button', { name: 'Create survey' }).click();
    await page.getByRole('heading', { level: 2, name: SURVEY }).waitFor();
    await page.getByLabel('Survey', { exact: true }).selectOption({ label: SURVEY });
    await page.getByLabel('Wave name').fill('Vår');
    const statements = page.getByRole('group', { name: 'Statements' });
    await statements.getByRole('checkbox', { name: 'How do you usually get to work?' }).check();
    await statements.getByRole('checkbox', { name: 'My workload is manageable' }).check();
    await page.getByRole('button', { name: 'Create draft wave' }).click();
    await page.getByText('Draft “Vår” saved.').waitFor();
    await page.getByRole('button', { name: 'Open Vår' }).click();
    await page.getByText('Open: done.').waitFor({ timeout: 90_000 });
    const links = readInvitationLinks(inject('outbox'), SURVEY);
    expect(links.length).toBe(400);
    for (const [index, link] of links.slice(0, 30).entries()) {
      const reply = await fetch(`${inject('baseUrl')}/api/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: new URL(link).hash.slice(1), answers: { 'sv-e2e-commute': ['o1', 'o2', 'o3'][index % 3], workload: (index % 5) + 1 } }),
      });
      expect(reply.status).toBe(201);
    }
    await page.getByRole('button', { name: 'Close Vår' }).click();
    await page.getByText('Close: done.').waitFor({ timeout: 120_000 });
  });

  it('switches to Swedish: the choice question’s options and theme, and its CSV', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByLabel('Language').selectOption('sv');
    await page.getByRole('heading', { level: 1, name: 'Enkäter och omgångar' }).waitFor();
    await page.getByRole('region', { name: SURVEY }).getByRole('link', { name: 'Vår', exact: true }).click();
    const choice = page.getByRole('table', { name: /Hur tar du dig oftast till jobbet\?/ });
    await choice.waitFor();
    // Thirty answers, ten per option: the Swedish option names with their count and share.
    expect(await bodyRows(choice)).toEqual([
      ['Med cykel', '10', '33\u00a0%'],
      ['Med tåg', '10', '33\u00a0%'],
      ['Till fots', '10', '33\u00a0%'],
    ]);
    // The agree statement of the same wave is grouped under its theme's Swedish name.
    await page.getByRole('heading', { level: 2, name: 'Välmående' }).waitFor();

    const csv = await downloadCsv(() => page.getByRole('button', { name: 'Ladda ner CSV' }).first().click());
    const [header, ...records] = csv;
    expect(header.slice(0, 4)).toEqual(['omgång', 'grupp', 'svarsfrekvens %', 'påstående']);
    expect(header).toContain('alternativ');
    expect(records.filter((record) => record[header.indexOf('alternativ')]).map((record) => record[header.indexOf('alternativ')])).toEqual([
      'Med cykel',
      'Med tåg',
      'Till fots',
    ]);
    await saveScreenshot(page, 'journey-swedish-choice');
  });

  it('results of the demo’s 2015 wave: Swedish themes, intervals, means with a decimal comma', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await annualSurvey().getByRole('link', { name: '2015', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Ledarskap' }).waitFor();
    for (const theme of ['Utveckling', 'Välmående', 'Tillhörighet', 'Engagemang']) await page.getByRole('heading', { level: 2, name: theme }).waitFor();
    expect(await page.getByRole('heading', { level: 2, name: 'Leadership' }).count()).toBe(0);
    const leadership = page.getByRole('table', { name: /^Ledarskap: % positiva/ });
    const row = (await bodyRows(leadership))[0];
    // Statement, % positive, interval, distribution, mean, n.
    expect(row[0]).toBe('Ledningen gör sina förväntningar tydliga');
    expect(row[1]).toMatch(/^\d{1,2}\u00a0%$/);
    expect(row[2]).toMatch(/^\d{1,2}\u00a0%–\d{1,2}\u00a0%$/);
    expect(row[4]).toMatch(/^\d,\d\d$/);
    // The distribution bar tells a screen reader its shares in Swedish too.
    expect(await leadership.getByRole('img').first().getAttribute('aria-label')).toMatch(/^Negativa \d+\u00a0%, Neutrala \d+\u00a0%, Positiva \d+\u00a0%$/);
    // The wave page's certificate speaks Swedish too (it no longer gives the audit's time: that followed the hidden counts).
    await expect.poll(() => page.getByText(/^Dolda: [\d\s]+ av de [\d\s]+ cellerna/).count()).toBe(1);
    await saveScreenshot(page, 'journey-swedish-results');

    const csv = await downloadCsv(() => page.getByRole('button', { name: 'Ladda ner CSV' }).first().click());
    expect(csv[0].slice(0, 7)).toEqual(['omgång', 'grupp', 'svarsfrekvens %', 'påstående', 'text', 'n', '% positiva']);

    // The trend's axis speaks Swedish percent too.
    await page.getByRole('link', { name: 'Trender', exact: true }).click();
    await page.getByRole('table', { name: '% positiva' }).waitFor();
    expect(await page.locator('svg.trend-chart text').evaluateAll((texts) => texts.slice(0, 5).map((text) => text.textContent))).toEqual([
      '0\u00a0%',
      '25\u00a0%',
      '50\u00a0%',
      '75\u00a0%',
      '100\u00a0%',
    ]);
    await page.goBack();
  });

  it('year over year says its intervals in Swedish, with true minus signs', async () => {
    await page.getByRole('link', { name: 'År för år' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    const table = page.getByRole('table', { name: /^Ledarskap: / });
    await table.waitFor({ timeout: 30_000 });
    // Rows of numbers (statement, before, after, change, interval, verdict, detectable); a statement's words sit in a row of their own.
    const intervals = (await bodyRows(table)).filter((row) => row.length === 7).map((row) => row[4]);
    expect(intervals.length).toBeGreaterThan(0);
    for (const interval of intervals) expect(interval).toMatch(/^(−\d+|0|\+\d+) till (−\d+|0|\+\d+)$/);
    expect(intervals.some((interval) => interval.startsWith('−'))).toBe(true);
  });

  it('the heatmap names its org levels in Swedish', async () => {
    await page.goBack();
    await page.getByRole('link', { name: 'Värmekarta' }).click();
    const dimension = page.getByLabel(/Kolumner/);
    await dimension.waitFor();
    expect(await dimension.locator('option').first().textContent()).toBe('Organisationsnivå 1');
  });

  it('the initiative’s comparison group is everyone outside the target, in Swedish, on the page and in its CSV', async () => {
    await page.getByRole('link', { name: 'Initiativ', exact: true }).click();
    await page.getByRole('link', { name: 'Career Steps' }).click();
    await page.getByRole('heading', { level: 1, name: 'Career Steps' }).waitFor();
    await page.getByText('Jämförelsegrupp: Alla utanför Soundwave > Technology').waitFor();
    expect(await page.getByText(/Everyone outside|¬/).count()).toBe(0);
    const impact = page.getByRole('table', { name: 'Effekt' });
    for (const row of await bodyRows(impact)) if (row[5]) expect(row[5]).toMatch(/^(−\d+|0|\+\d+) till (−\d+|0|\+\d+)$/);
    await saveScreenshot(page, 'journey-swedish-impact');
    const csv = await downloadCsv(() => page.getByRole('button', { name: 'Ladda ner CSV' }).first().click());
    const [header, first] = csv;
    expect(header.slice(0, 3)).toEqual(['initiativ', 'målgrupp', 'jämförelsegrupp']);
    expect(first[2]).toBe('Alla utanför Soundwave > Technology');
  });
});
