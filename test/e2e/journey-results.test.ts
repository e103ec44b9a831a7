/**
 * Journey 6: reading and sharing results, from the screens. The demo's annual survey gives a
 * heatmap with a change since 2014 and a trend; a survey of the test's own (a Design-only first
 * wave with a choice question, then a draft follow-up) gives the normal states said in words and
 * a CSV with choice counts. Printed, the results and heatmap keep their colors and carry, on every
 * page, a footer with the wave, the group, the date and the confidentiality rule. The only calls
 * the test makes itself are the employees' own (POST /api/responses).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { parseCsv } from '../../shared/csv.ts';
import { DEMO_STATEMENTS } from '../../functions/demo/demo-organization.ts';
import { DESKTOP, expectNoAxeViolations, launchBrowser, saveScreenshot } from './harness.ts';

const suffix = Date.now().toString(36);
const SURVEY = `Results journey ${suffix}`;
const CHOICE = `re-e2e-commute-${suffix}`;
const CHOICE_TEXT = `Which way do you travel in? (${suffix})`;
const GREY = 'rgb(241, 241, 244)';

let browser: Browser;
let page: Page;

async function visit(path: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${inject('baseUrl')}${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** The demo's annual survey on the surveys page (other browser tests add 2015 waves of their own). */
const annualSurvey = () => page.locator('section', { has: page.getByRole('heading', { level: 2, name: /Annual survey/ }) });
const ownSurvey = () => page.locator('section', { has: page.getByRole('heading', { level: 2, name: SURVEY }) });
/** One wave's row on the admin surveys page, with its job's outcome. */
const waveRow = (wave: string) => ownSurvey().locator('li', { has: page.getByRole('link', { name: wave, exact: true }) });

/** Download what a CSV button gives and return its text. */
async function downloadCsv(button: Locator): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return readFileSync((await download.path())!, 'utf8');
}

/**
 * Links mailed for this test's survey, in the order of their recipients' addresses: the outbox's
 * file names are random, and which fifteen people answer decides what the close's audit may hide,
 * so the same people answer on every run.
 */
function readLinks(): string[] {
  const outbox = inject('outbox');
  return readdirSync(outbox)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => readFileSync(join(outbox, name), 'utf8'))
    .filter((text) => text.includes(SURVEY))
    .map((text) => ({ to: /^To: (.+)$/m.exec(text)?.[1] ?? '', link: /https?:\/\/\S+\/r#[A-Za-z0-9_~.%-]+/.exec(text)?.[0] }))
    .filter((mail): mail is { to: string; link: string } => mail.link !== undefined)
    .sort((a, b) => a.to.localeCompare(b.to))
    .map((mail) => mail.link);
}

/**
 * Every shown cell of the heatmap in change mode: its signed change must be written, and its color
 * must follow the verdict mark alone (blue for ▲ rose, orange for ▼ fell, grey for noise).
 */
async function readChangeCells(): Promise<Array<{ shown: string; mark: string; background: string }>> {
  const table = page.getByRole('table', { name: /Heatmap: Change since previous wave/ });
  await table.waitFor();
  const cells = await table.locator('tbody td:not(.hatched)').evaluateAll((tds) =>
    tds
      .filter((td) => td.firstChild?.textContent?.trim() !== '–')
      .map((td) => ({
        shown: (td.firstChild?.textContent ?? '').trim(),
        mark: td.querySelector('.verdict-mark')?.textContent?.trim() ?? '',
        background: getComputedStyle(td).backgroundColor,
      })),
  );
  for (const cell of cells) {
    // A wall of grey still says something: its signed change in points.
    expect(cell.shown).toMatch(/^([+−]\d+|0)$/);
    const [r, , b] = cell.background.match(/\d+/g)!.map(Number);
    if (cell.mark === '▲') expect(b).toBeGreaterThan(r);
    else if (cell.mark === '▼') expect(r).toBeGreaterThan(b);
    else expect(cell.background).toBe(GREY);
  }
  return cells;
}

/** Fifteen of the wave's invitees answer from their own links; then HR closes it from the screen. */
async function answerAndClose(wave: string, links: string[], answers: (index: number) => Record<string, number | string>): Promise<void> {
  for (const [index, link] of links.slice(0, 15).entries()) {
    const reply = await fetch(`${inject('baseUrl')}/api/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: new URL(link).hash.slice(1), answers: answers(index) }),
    });
    expect(reply.status).toBe(201);
  }
  await ownSurvey()
    .getByRole('button', { name: `Close ${wave}` })
    .click();
  // The wave's own row: an earlier wave's "Close: done." stays on the page.
  await waveRow(wave).getByText('Close: done.').waitFor({ timeout: 120_000 });
}

/** The fill colors a PDF paints (its content streams inflated), as 0–255 RGB triples. */
function readPdfFills(pdf: Buffer): string[] {
  const fills = new Set<string>();
  const text = pdf.toString('latin1');
  for (const match of text.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(match[1], 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const [, r, g, b] of content.matchAll(/([\d.]+) ([\d.]+) ([\d.]+) rg/g)) {
      fills.add([r, g, b].map((v) => Math.round(Number(v) * 255)).join(','));
    }
  }
  return [...fills];
}

/** One piece of text a PDF page draws: its letters, its baseline's height from the page's foot and its size, in points. */
interface PdfTextRun {
  text: string;
  y: number;
  size: number;
}

/**
 * The text each page of a PDF draws, in drawing order. Chromium writes glyph ids, not letters, so
 * each font's ToUnicode map turns them back into text; the position follows the page's transforms.
 */
function readPdfPages(pdf: Buffer): PdfTextRun[][] {
  const objects = new Map<string, { dict: string; stream?: Buffer }>();
  for (const [, id, body] of pdf.toString('latin1').matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const at = body.search(/stream\r?\n/);
    if (at < 0) objects.set(id, { dict: body });
    else {
      const data = body.slice(body.indexOf('\n', at) + 1).replace(/\r?\nendstream\s*$/, '');
      objects.set(id, { dict: body.slice(0, at), stream: Buffer.from(data, 'latin1') });
    }
  }
  const inflate = (id: string) => inflateSync(objects.get(id)!.stream!).toString('latin1');
  const hex = (digits: string) => Number.parseInt(digits, 16);
  const toUnicode = new Map<string, Map<number, string>>();
  const readToUnicode = (fontId: string): Map<number, string> => {
    const known = toUnicode.get(fontId);
    if (known) return known;
    const map = new Map<number, string>();
    const ref = /\/ToUnicode (\d+) 0 R/.exec(objects.get(fontId)!.dict)?.[1];
    const cmap = ref ? inflate(ref) : '';
    const letters = (digits: string) => String.fromCodePoint(...(digits.match(/.{4}/g) ?? []).map(hex));
    for (const [, block] of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
      for (const [, code, text] of block.matchAll(/<(\w+)>\s*<(\w+)>/g)) map.set(hex(code), letters(text));
    for (const [, block] of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
      for (const [, from, to, first] of block.matchAll(/<(\w+)>\s*<(\w+)>\s*<(\w+)>/g))
        for (let code = hex(from); code <= hex(to); code++) map.set(code, String.fromCodePoint(hex(first) + code - hex(from)));
    toUnicode.set(fontId, map);
    return map;
  };
  type Matrix = number[];
  // PDF matrices [a b c d e f]: `then(m, n)` applies m, then n.
  const then = ([a1, b1, c1, d1, e1, f1]: Matrix, [a2, b2, c2, d2, e2, f2]: Matrix): Matrix => [
    a1 * a2 + b1 * c2,
    a1 * b2 + b1 * d2,
    c1 * a2 + d1 * c2,
    c1 * b2 + d1 * d2,
    e1 * a2 + f1 * c2 + e2,
    e1 * b2 + f1 * d2 + f2,
  ];
  const identity = [1, 0, 0, 1, 0, 0];
  const pages = [...objects.values()].filter((object) => /\/Type \/Page\b/.test(object.dict));
  // Every page the document counts was found (none hidden in a compressed object stream).
  const counted = Math.max(...[...pdf.toString('latin1').matchAll(/\/Type \/Pages\b[^>]*?\/Count (\d+)/g)].map(([, count]) => Number(count)));
  expect(pages.length).toBe(counted);
  return pages.map((page) => {
    const fonts = new Map([...(/\/Font\s*<<([^>]*)>>/.exec(page.dict)?.[1] ?? '').matchAll(/\/(\S+) (\d+) 0 R/g)].map(([, name, id]) => [name, id]));
    const contents = [.../\/Contents\s*(\[[^\]]*\]|\d+ 0 R)/.exec(page.dict)![1].matchAll(/(\d+) 0 R/g)].map(([, id]) => inflate(id)).join('\n');
    const runs: PdfTextRun[] = [];
    const saved: Matrix[] = [];
    let ctm = identity;
    let line = identity;
    let font = new Map<number, string>();
    let fontSize = 0;
    let operands: string[] = [];
    for (const [token] of contents.matchAll(/<[0-9A-Fa-f]*>|\[[^\]]*\]|\/[^\s/[\]<>()]+|-?[\d.]+|[A-Za-z'"*]+/g)) {
      if (!/^[A-Za-z'"*]+$/.test(token)) {
        operands.push(token);
        continue;
      }
      const numbers = operands.map(Number);
      if (token === 'q') saved.push(ctm);
      else if (token === 'Q') ctm = saved.pop() ?? identity;
      else if (token === 'cm') ctm = then(numbers, ctm);
      else if (token === 'BT') line = identity;
      else if (token === 'Tm') line = numbers;
      else if (token === 'Td' || token === 'TD') line = then([1, 0, 0, 1, numbers[0], numbers[1]], line);
      else if (token === 'Tf') {
        font = readToUnicode(fonts.get(operands[0].slice(1))!);
        fontSize = numbers[1];
      } else if (token === 'Tj' || token === 'TJ') {
        const text = [...operands.join(' ').matchAll(/<([0-9A-Fa-f]*)>/g)]
          .map(([, codes]) => (codes.match(/.{4}/g) ?? []).map((code) => font.get(hex(code)) ?? '?').join(''))
          .join('');
        const [, , c, d, , f] = then(line, ctm);
        runs.push({ text, y: f, size: fontSize * Math.hypot(c, d) });
      }
      operands = [];
    }
    return runs;
  });
}

/**
 * Every page of a printed report carries the footer once, below everything else the page shows:
 * found in the PDF itself, as the footer's text run by run (spaces aside), not by a screenshot.
 */
function expectFooterOnEveryPage(pages: PdfTextRun[][], footer: string): void {
  const squash = (text: string) => text.replace(/\s+/g, '');
  const wanted = squash(footer);
  for (const [number, runs] of pages.entries()) {
    const ends: number[] = [];
    let text = '';
    for (const run of runs) ends.push((text += squash(run.text)).length);
    const at = text.indexOf(wanted);
    expect(at, `the footer on page ${number + 1} of ${pages.length}`).toBeGreaterThanOrEqual(0);
    expect(text.indexOf(wanted, at + 1), `a second footer on page ${number + 1}`).toBe(-1);
    const inFooter = (index: number) => ends[index] > at && (index === 0 ? 0 : ends[index - 1]) < at + wanted.length;
    const footerTop = Math.max(...runs.filter((_, index) => inFooter(index)).map((run) => run.y + run.size));
    // Nothing of the report runs under the footer: every other line's descenders stay above its top line.
    const lowest = Math.min(...runs.filter((run, index) => !inFooter(index) && run.text.trim() !== '').map((run) => run.y - 0.3 * run.size));
    expect(lowest, `the lowest text on page ${number + 1} against the footer's top`).toBeGreaterThan(footerTop);
  }
}

/** Print emulation shows the footer and keeps colors; the footer names the wave, group, date and k. Returns its text. */
async function expectPrintedFooter(wave: RegExp, group: RegExp): Promise<string> {
  await page.emulateMedia({ media: 'print' });
  const footer = page.getByTestId('print-footer');
  expect(await footer.isVisible()).toBe(true);
  const text = await footer.innerText();
  expect(text).toMatch(wave);
  expect(text).toMatch(group);
  const today = new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date());
  expect(text).toContain(today);
  expect(text).toMatch(/at least 5 people/);
  await expectNoAxeViolations(page);
  return text;
}

/** Chromium's print dialog leaves about 1 cm of paper around the page unless told otherwise. */
const PRINT_MARGIN = { top: '10mm', right: '10mm', bottom: '10mm', left: '10mm' };

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: DESKTOP, acceptDownloads: true })).newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(inject('signInUrl'));
  await page.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
});
afterAll(async () => browser?.close());
// A failed print check must not leave the next test looking at the printed page.
afterEach(async () => page.emulateMedia({ media: 'screen' }));

describe('journey 6: reading and sharing results', () => {
  it('the heatmap: a whole-organization column, a Columns control that says what it picks', async () => {
    await annualSurvey().getByRole('link', { name: '2015', exact: true }).click();
    await page.getByRole('link', { name: 'Heatmap' }).click();
    await page.getByRole('heading', { level: 1, name: 'Heatmap' }).waitFor();
    const table = page.getByRole('table', { name: /Heatmap/ });
    await table.waitFor();
    const columns = async () => (await table.locator('thead th.segment').allInnerTexts()).map((text) => text.trim());
    expect((await columns())[0]).toBe('Whole organization (Soundwave)');
    expect(await columns()).toContain('Soundwave > Technology');

    // The control names what it picks: the columns, grouped by an org level or an attribute.
    const control = page.getByRole('combobox', { name: /^Columns: groups by/ });
    expect(await control.locator('option').allTextContents()).toEqual(expect.arrayContaining(['Org level 1', 'location', 'tenure']));
    await control.selectOption({ label: 'location' });
    await expect.poll(columns).toEqual(['Whole organization (Soundwave)', 'location: London', 'location: New York', 'location: Stockholm']);
    await control.selectOption({ label: 'Org level 1' });
    await expect.poll(async () => (await columns()).includes('Soundwave > Technology')).toBe(true);
  });

  it('in change mode: a legend for grey, a signed change in every cell, and colour only from the verdict', async () => {
    await page.getByRole('radio', { name: 'Change since previous wave' }).check();
    const legend = page.getByTestId('change-legend');
    expect(await legend.innerText()).toMatch(/Grey: can’t tell from noise/);
    const cells = await readChangeCells();
    expect(cells.length).toBeGreaterThan(20);
    // The demo's 2014 → 2015 changes are all noise across the heatmap's family: grey, whatever their sign and size.
    expect(cells.every((cell) => cell.mark === '' && cell.background === GREY)).toBe(true);
    expect(cells.some((cell) => /^[+−]([3-9]|\d\d)$/.test(cell.shown))).toBe(true);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-results-heatmap-change');
  });

  it('the heatmap prints with its colors and a footer on every page: wave, groups, date and the rule', async () => {
    const footer = await expectPrintedFooter(/2014 → 2015/, /Columns: groups by Org level 1/);
    // Printed without "background graphics", the grey of noise and the hatching of hidden cells stay.
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: false, margin: PRINT_MARGIN });
    expect(readPdfFills(pdf)).toContain(GREY.match(/\d+/g)!.join(','));
    expectFooterOnEveryPage(readPdfPages(pdf), footer);
    await saveScreenshot(page, 'journey-results-heatmap-print');
    await page.emulateMedia({ media: 'screen' });
    expect(await page.getByTestId('print-footer').isVisible()).toBe(false);
  });

  it('the results page prints with a footer for its group on every page', async () => {
    await page.getByRole('link', { name: 'Results' }).click();
    await page.getByRole('heading', { level: 1, name: /2015/ }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Comments' }).waitFor();
    const footer = await expectPrintedFooter(/^2015 · /, /Whole organization|Soundwave/);
    expect(await page.evaluate(() => getComputedStyle(document.body).printColorAdjust)).toBe('exact');
    // The whole organization's results and comments fill several pages: each one carries the footer.
    const pages = readPdfPages(await page.pdf({ format: 'A4', printBackground: false, margin: PRINT_MARGIN }));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expectFooterOnEveryPage(pages, footer);
    await saveScreenshot(page, 'journey-results-print');
    await page.emulateMedia({ media: 'screen' });
  });

  it('the trend offers the usual group picker and only the statements the survey asked', async () => {
    await visit('/', 'Surveys and waves');
    await annualSurvey().getByRole('link', { name: 'Trends' }).click();
    await page.getByRole('heading', { level: 1, name: 'Trend' }).waitFor();
    const statements = page.getByRole('combobox', { name: 'Statement' });
    const asked = DEMO_STATEMENTS.filter((s) => s.scale !== 'text' && s.scale !== 'choice').map((s) => s.text.en);
    await expect.poll(async () => (await statements.locator('option').allTextContents()).sort()).toEqual([...asked].sort());
    const unit = page.getByRole('combobox', { name: /Org unit/ });
    await unit.selectOption({ label: 'Soundwave > Technology' });
    await page.getByText(/· Soundwave > Technology$/).waitFor();
    await expect.poll(() => page.getByRole('table').first().locator('tbody tr').count()).toBe(2);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-results-trend');
  });

  it('a first wave with a choice question: its CSV opens in Excel with a header row and the choice counts', async () => {
    await visit('/admin/statements', 'Statement bank');
    await page.locator('#st-id').fill(CHOICE);
    await page.locator('#st-en').fill(CHOICE_TEXT);
    await page.locator('#st-theme').fill('Workplace');
    await page.locator('#st-scale').selectOption('choice');
    await page.locator('#st-options').fill('On foot\nBy bike\nBy train');
    await page.getByRole('button', { name: 'Add a statement' }).click();
    await page.getByText(`Statement ${CHOICE} added.`).waitFor();

    await visit('/admin/surveys', 'Surveys and waves');
    await page.getByLabel('Survey name').fill(SURVEY);
    await page.getByRole('button', { name: 'Create survey' }).click();
    await ownSurvey().waitFor();
    const createDraft = async (name: string) => {
      await page.getByLabel('Survey', { exact: true }).selectOption({ label: SURVEY });
      await page.getByLabel('Wave name').fill(name);
      const statements = page.getByRole('group', { name: 'Statements' });
      await statements.getByRole('checkbox', { name: 'Management makes its expectations clear' }).check();
      await statements.getByRole('checkbox', { name: CHOICE_TEXT }).check();
      await page.getByLabel(/Audience/).fill('Soundwave > Design');
      await page.getByRole('button', { name: 'Create draft wave' }).click();
      await page.getByText(`Draft “${name}” saved.`).waitFor();
    };
    await createDraft('First');
    await ownSurvey().getByRole('button', { name: 'Open First' }).click();
    await waveRow('First').getByText('Open: done.').waitFor({ timeout: 90_000 });
    await expect.poll(() => readLinks().length, { timeout: 60_000 }).toBe(40);
    await answerAndClose('First', readLinks(), (index) => ({ 'mgmt-expectations': (index % 5) + 1, [CHOICE]: ['o1', 'o2', 'o3'][index % 3] }));
    // A second wave where management's expectations became clear to everyone, then a drafted third.
    await createDraft('Second');
    const before = new Set(readLinks());
    await ownSurvey().getByRole('button', { name: 'Open Second' }).click();
    await waveRow('Second').getByText('Open: done.').waitFor({ timeout: 90_000 });
    await expect.poll(() => readLinks().length, { timeout: 60_000 }).toBe(80);
    await answerAndClose(
      'Second',
      readLinks().filter((link) => !before.has(link)),
      (index) => ({ 'mgmt-expectations': 5, [CHOICE]: ['o1', 'o2', 'o3'][index % 3] }),
    );
    await createDraft('Third');

    await ownSurvey().getByRole('link', { name: 'First' }).click();
    await page.getByRole('table', { name: new RegExp(`${CHOICE_TEXT.replace(/[()?]/g, '\\$&')}: Answers per option`) }).waitFor();
    const csv = await downloadCsv(page.getByRole('button', { name: 'Download CSV' }).first());
    // Excel's mark for UTF-8, then the header row before any data.
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, ...records] = parseCsv(csv.slice(1)).map((row) => row.fields);
    expect(header.slice(0, 4)).toEqual(['wave', 'group', 'response rate %', 'statement']);
    const counts = records
      .filter((row) => row[header.indexOf('statement')] === CHOICE)
      .map((row) => [row[header.indexOf('option')], row[header.indexOf('answers')]]);
    expect(counts).toEqual([
      ['On foot', '5'],
      ['By bike', '5'],
      ['By train', '5'],
    ]);
    await saveScreenshot(page, 'journey-results-first-wave');
  });

  it('the first wave’s year over year and a draft follow-up are said in words, not error boxes', async () => {
    await page.getByRole('link', { name: 'Year over year' }).click();
    await page.getByRole('heading', { level: 1, name: 'Change between waves' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /first wave: there is no earlier wave/ })
      .waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByText('Something went wrong').count()).toBe(0);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-results-first-wave-year-over-year');

    await visit('/', 'Surveys and waves');
    await ownSurvey().getByRole('link', { name: 'Third' }).click();
    await page.getByRole('heading', { level: 1, name: /Third/ }).waitFor();
    await page.getByText(/This wave is a draft/).waitFor();
    const draftId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(await page.getByRole('alert').count()).toBe(0);
    // A bookmarked comparison to the draft follow-up says why there is nothing yet.
    await page.goto(`${inject('baseUrl')}/compare?to=${encodeURIComponent(draftId)}`);
    await page.getByRole('heading', { level: 1, name: 'Change between waves' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /has not closed yet/ })
      .waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    // And its heatmap too.
    await page.goto(`${inject('baseUrl')}/waves/${encodeURIComponent(draftId)}/heatmap`);
    await page.getByRole('heading', { level: 1, name: 'Heatmap' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /has not closed yet/ })
      .waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await expectNoAxeViolations(page);
  });

  it('a change beyond noise is blue with ▲ in the heatmap, and stays blue on paper', async () => {
    await visit('/', 'Surveys and waves');
    await ownSurvey().getByRole('link', { name: 'Second' }).click();
    await page.getByRole('link', { name: 'Heatmap' }).click();
    await page.getByRole('heading', { level: 1, name: 'Heatmap' }).waitFor();
    await page.getByRole('radio', { name: 'Change since previous wave' }).check();
    const cells = await readChangeCells();
    const rose = cells.filter((cell) => cell.mark === '▲');
    expect(rose.length).toBeGreaterThan(0);
    expect(rose.every((cell) => cell.shown.startsWith('+'))).toBe(true);
    await saveScreenshot(page, 'journey-results-heatmap-rose');
    // Printed without "background graphics" ticked, the cells keep their fill: print-color-adjust: exact.
    await page.emulateMedia({ media: 'print' });
    const fills = readPdfFills(await page.pdf({ format: 'A4', printBackground: false }));
    const blue = rose[0].background.match(/\d+/g)!.join(',');
    expect(fills).toContain(blue);
    await page.emulateMedia({ media: 'screen' });
  });

  it('the heatmap CSV has the BOM and the header row first', async () => {
    await visit('/', 'Surveys and waves');
    await annualSurvey().getByRole('link', { name: '2015', exact: true }).click();
    await page.getByRole('link', { name: 'Heatmap' }).click();
    await page.getByRole('table', { name: /Heatmap/ }).waitFor();
    const csv = await downloadCsv(page.getByRole('button', { name: 'Download CSV' }));
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, ...records] = parseCsv(csv.slice(1)).map((row) => row.fields);
    // One row per group (the whole organization first), every statement's numbers across.
    expect(header.slice(0, 3)).toEqual(['wave', 'group', 'response rate %']);
    expect(header).toContain('mgmt-expectations: % favorable');
    expect(records.length).toBeGreaterThan(3);
    expect(records.every((row) => row[0] === '2015')).toBe(true);
  });
});
