/**
 * Journey 5: the employee on a phone. HR gives some of Design a Swedish invitation language in the
 * directory (the demo's own people, re-uploaded with a locale column), adds a health-check question
 * and runs a Design-only wave with an eNPS question. On a 360 px phone the page opens in the
 * invitation's language before the browser's, and in the browser's when the directory says
 * nothing; one person answers, skips one, sends and sees "recorded"; eNPS end labels and the
 * health check's red / yellow / green (colors with words) fit the screen. After the close, the
 * health check's results read in its own words and are drawn in the questionnaire's colors. The only calls the test makes itself are the
 * employees' own (POST /api/responses) for the colleagues who answer besides those walked through.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { demoPeople } from '../../functions/demo/demo-organization.ts';
import { DESKTOP, expectNoAxeViolations, launchBrowser, PHONE, saveScreenshot } from './harness.ts';

const SURVEY = `Employee journey pulse ${Date.now().toString(36)}`;
const HEALTH = 'hc-e2e-pace';
const DESIGN = 'Soundwave > Design';
const people = demoPeople();
const design = people.filter((person) => person.unitPath.join(' > ') === DESIGN).map((person) => person.email);
/** Whose invitation says Swedish, English, or nothing (then the browser decides). */
const swedish = design.slice(0, 10);
const english = design.slice(10, 15);

let browser: Browser;
let admin: Page;

/** The demo directory as HR would export it, with a locale column for part of Design. */
function directoryCsv(): string {
  const rows = people.map((person) => {
    const locale = swedish.includes(person.email) ? 'sv' : english.includes(person.email) ? 'en' : '';
    return [person.email, person.unitPath.join(' > '), person.attributes.tenure, person.attributes.location, locale].join(',');
  });
  return ['email,orgUnit,tenure,location,locale', ...rows, ''].join('\n');
}

/** Each invitee's link for this survey, read from the outbox the way they would read their mail. */
function readLinksByPerson(): Map<string, string> {
  const links = new Map<string, string>();
  const outbox = inject('outbox');
  for (const file of readdirSync(outbox).filter((name) => name.endsWith('.eml'))) {
    const text = readFileSync(join(outbox, file), 'utf8');
    if (!text.includes(SURVEY)) continue;
    const to = /^To: (.+)$/m.exec(text)?.[1]?.trim();
    const link = /https?:\/\/\S+\/r#[A-Za-z0-9_~.%-]+/.exec(text)?.[0];
    if (to && link) links.set(to, `${inject('baseUrl')}${new URL(link).pathname}${new URL(link).hash}`);
  }
  return links;
}

async function waitForLinks(count: number): Promise<Map<string, string>> {
  await expect.poll(() => readLinksByPerson().size, { timeout: 60_000 }).toBe(count);
  return readLinksByPerson();
}

/** A phone whose browser asks for `locale` first. */
async function openOnPhone(link: string, locale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, locale, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  await phone.goto(link);
  await phone.locator('form fieldset').first().waitFor();
  return phone;
}

let links = new Map<string, string>();
/** The red, yellow and green the questionnaire showed beside the health check's words. */
let questionnaireColors: string[] = [];

/** Three CSS colors that read red, yellow and green, in that order. */
function expectRedYellowGreen(colors: string[]): void {
  const [red, yellow, green] = colors.map((color) => color.match(/\d+/g)!.map(Number));
  expect(red[0]).toBeGreaterThan(red[1] + 80); // red: R well above G
  expect(yellow[0]).toBeGreaterThan(180);
  expect(yellow[1]).toBeGreaterThan(150); // yellow: R and G high
  expect(green[1]).toBeGreaterThan(green[0] + 40); // green: G well above R
}

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  admin.on('dialog', (dialog) => void dialog.accept());
  await admin.goto(inject('signInUrl'));
  await admin.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
});
afterAll(async () => browser?.close());

describe('journey 5: the employee on a phone', () => {
  it('HR records invitation languages in the directory, adds a health check and opens a Design wave', async () => {
    await admin.getByRole('link', { name: 'People directory' }).click();
    await admin.getByRole('heading', { level: 1, name: 'People directory' }).waitFor();
    await admin.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(directoryCsv()) });
    await admin.getByRole('button', { name: 'Upload' }).click();
    await admin.getByText(`Imported ${people.length} people.`).waitFor();
    await expect.poll(() => admin.getByRole('region', { name: 'In force' }).textContent()).toMatch(/Swedish: 10/);

    await admin.getByRole('link', { name: 'Statement bank' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Statement bank' }).waitFor();
    await admin.locator('#st-id').fill(HEALTH);
    await admin.locator('#st-en').fill('We work at a pace we can keep up');
    await admin.locator('#st-sv').fill('Vi arbetar i en takt vi orkar hålla');
    await admin.locator('#st-theme').fill('Team health');
    await admin.locator('#st-scale').selectOption('health3');
    await admin.getByRole('button', { name: 'Add a statement' }).click();
    await admin.getByText(`Statement ${HEALTH} added.`).waitFor();

    await admin.getByRole('link', { name: 'Surveys and waves' }).first().click();
    await admin.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
    await admin.getByLabel('Survey name').fill(SURVEY);
    await admin.getByRole('button', { name: 'Create survey' }).click();
    await admin.getByRole('heading', { level: 2, name: SURVEY }).waitFor();
    await admin.getByLabel('Survey', { exact: true }).selectOption({ label: SURVEY });
    await admin.getByLabel('Wave name').fill('Phone wave');
    const statements = admin.getByRole('group', { name: 'Statements' });
    for (const text of [
      'Management makes its expectations clear',
      'We work at a pace we can keep up',
      'How likely are you to recommend Soundwave as a place to work?',
      'Anything else you want to tell us?',
    ]) {
      await statements.getByRole('checkbox', { name: text }).check();
    }
    await admin.getByLabel(/Audience/).fill(DESIGN);
    await admin.getByRole('button', { name: 'Create draft wave' }).click();
    await admin.getByText('Draft “Phone wave” saved.').waitFor();
    const survey = admin.locator('section', { has: admin.getByRole('heading', { level: 2, name: SURVEY }) });
    await survey.getByRole('button', { name: 'Open Phone wave' }).click();
    await admin.getByText('Open: done.').waitFor({ timeout: 90_000 });
    links = await waitForLinks(design.length);
  });

  it('opens in the invitation’s language before the browser’s, and in the browser’s when the directory says none', async () => {
    // Swedish in the directory, an English phone: Swedish.
    const sv = await openOnPhone(links.get(swedish[0])!, 'en-US');
    expect(await sv.evaluate(() => document.documentElement.lang)).toBe('sv');
    await sv.getByRole('button', { name: 'Skicka mina svar' }).waitFor();
    await sv.getByRole('group', { name: /Ledningen gör sina förväntningar tydliga/ }).waitFor();
    await saveScreenshot(sv, 'journey-employee-swedish-invitation');
    await sv.context().close();

    // English in the directory, a Swedish phone: English.
    const en = await openOnPhone(links.get(english[0])!, 'sv-SE');
    expect(await en.evaluate(() => document.documentElement.lang)).toBe('en');
    await en.getByRole('button', { name: 'Send my answers' }).waitFor();
    await en.context().close();

    // Nothing in the directory: the browser's language.
    const undecided = design.find((email) => !swedish.includes(email) && !english.includes(email))!;
    const browserSv = await openOnPhone(links.get(undecided)!, 'sv-SE');
    expect(await browserSv.evaluate(() => document.documentElement.lang)).toBe('sv');
    await browserSv.getByRole('button', { name: 'Skicka mina svar' }).waitFor();
    await browserSv.context().close();
    const browserEn = await openOnPhone(links.get(undecided)!, 'en-GB');
    expect(await browserEn.evaluate(() => document.documentElement.lang)).toBe('en');
    await browserEn.context().close();
  });

  it('on a 360 px phone: eNPS ends and the health check fit, the health check is colors with words; answers, skips one, sends', async () => {
    const phone = await openOnPhone(links.get(english[1])!, 'en-US');
    // Nothing on the page is wider than the phone, the eNPS ends included.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const enps = phone.getByRole('group', { name: /recommend Soundwave/ });
    const ends = enps.locator('.ends');
    expect(await ends.innerText()).toMatch(/0 = Not at all likely[\s\S]*10 = Extremely likely/);
    const overflow = await enps.evaluate(
      (group) =>
        [group, ...group.querySelectorAll('*')]
          .map((el) => el.getBoundingClientRect())
          .filter((box) => box.width > 0 && (box.left < 0 || box.right > window.innerWidth)).length,
    );
    expect(overflow).toBe(0);
    expect(await ends.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

    // Each health point is a visible color swatch with its words beside it.
    const health = phone.getByRole('group', { name: /We work at a pace we can keep up/ });
    const points = await health.locator('label.point:not(.prefer-not)').evaluateAll((labels) =>
      labels.map((label) => {
        const swatch = label.querySelector('.swatch');
        return {
          text: (label as HTMLElement).innerText.trim(),
          color: swatch ? getComputedStyle(swatch).backgroundColor : '',
          width: swatch?.getBoundingClientRect().width ?? 0,
        };
      }),
    );
    expect(points.map((point) => point.text)).toEqual(['Red: this is a problem', 'Yellow: some issues', 'Green: this works well']);
    expect(points.every((point) => point.width > 0)).toBe(true);
    questionnaireColors = points.map((point) => point.color);
    expectRedYellowGreen(questionnaireColors);
    await expectNoAxeViolations(phone);
    await saveScreenshot(phone, 'journey-employee-questions');

    await phone
      .getByRole('group', { name: /Management makes its expectations clear/ })
      .getByRole('radio', { name: 'Agree', exact: true })
      .check();
    await health.getByRole('radio', { name: 'Green: this works well' }).check();
    // The eNPS question is skipped; the comment is written.
    await phone.getByLabel(/Anything else you want to tell us\?/).fill('Good pace this quarter.');
    await phone.getByText('3 of 4 answered').waitFor();
    await phone.getByRole('button', { name: 'Send my answers' }).click();
    await phone.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await phone.getByText('Your answers have been recorded.').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await saveScreenshot(phone, 'journey-employee-recorded');
    await phone.context().close();
  });

  it('after the close, the health check’s results read and are drawn red / yellow / green, not favorable', async () => {
    // Colleagues answer from their own links (as their respondent pages would send).
    const others = design.filter((email) => email !== english[1]).slice(0, 19);
    for (const [index, email] of others.entries()) {
      const reply = await fetch(`${inject('baseUrl')}/api/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token: new URL(links.get(email)!).hash.slice(1),
          answers: { 'mgmt-expectations': (index % 5) + 1, [HEALTH]: (index % 3) + 1, enps: index % 11 },
        }),
      });
      expect(reply.status).toBe(201);
    }
    await admin.getByRole('link', { name: 'Surveys and waves' }).first().click();
    const survey = admin.locator('section', { has: admin.getByRole('heading', { level: 2, name: SURVEY }) });
    await survey.getByRole('button', { name: 'Close Phone wave' }).click();
    await admin.getByText('Close: done.').waitFor({ timeout: 120_000 });
    await survey.getByRole('link', { name: 'Phone wave' }).click();
    const table = admin.getByRole('table', { name: /Team health/ });
    await table.waitFor();
    const row = table.getByRole('row', { name: /We work at a pace we can keep up/ });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    // 20 answers: green 7 (6 + the phone's), yellow 6, red 7.
    expect(text).toMatch(/Red 35% · Yellow 30% · Green 35%/);
    expect(text).toMatch(/share answering green/);
    expect(text).not.toMatch(/favorable|4 or 5/i);
    expect(await table.locator('thead').innerText()).not.toMatch(/favorable/i);
    // The bars are in the scale's colors too, the ones the questionnaire showed: its share of red,
    // yellow and green, and the share answering green drawn green, not favorable's blue.
    const fills = await row.locator('svg rect').evaluateAll((rects) => rects.map((rect) => getComputedStyle(rect).fill));
    expect(fills).toEqual(questionnaireColors);
    expectRedYellowGreen(fills);
    const chart = admin.locator('section', { has: admin.getByRole('heading', { level: 2, name: 'Team health' }) }).locator('.interval-bars .row');
    const bar = chart.filter({ hasText: /We work at a pace we can keep up/ }).locator('rect.bar');
    expect(await bar.evaluate((rect) => getComputedStyle(rect).fill)).toBe(questionnaireColors[2]);
    await expectNoAxeViolations(admin);
    await saveScreenshot(admin, 'journey-employee-health-results');
  });
});
