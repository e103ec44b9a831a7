/**
 * Journey 4: HR runs a wave from start to finish, from the screens alone. The only calls the test
 * makes itself are the employees' own (the respondent page's POST /api/responses), for the 31
 * colleagues who answer besides the one walked through on a phone.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parseCsv } from '../../shared/csv.ts';
import { DESKTOP, expectNoAxeViolations, launchBrowser, PHONE, readInvitationLinks, saveScreenshot } from './harness.ts';

const DAY_MS = 24 * 3600_000;
const IN_A_MONTH = new Date(Date.now() + 30 * DAY_MS);
/** As a datetime-local field takes it: the day, at 16:00 local time. */
const localDateTime = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}T16:00`;

const SURVEY = 'HR journey pulse';
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

async function visit(path: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${inject('baseUrl')}${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  await page.goto(inject('signInUrl'));
  await page.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
});
afterAll(async () => browser?.close());

describe('journey 4: HR runs a wave', () => {
  it('sees the directory in force after a reload, and an unknown locale is a rejected row', async () => {
    await visit('/admin/directory', 'People directory');
    const facts = page.getByRole('region', { name: 'In force' });
    await expect.poll(() => facts.textContent()).toContain('400');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'People directory' }).waitFor();
    await expect.poll(() => facts.textContent()).toMatch(/People\s*400/);
    expect(await facts.textContent()).toMatch(/Invitation languages/);
    const csv = ['email,orgUnit,locale', 'ann@example.com,Soundwave > People,sv', 'bo@example.com,Soundwave > People,fr', ''].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload' }).click();
    const rejected = page.getByRole('table', { name: 'Rejected rows' });
    await rejected.waitFor();
    expect((await rejected.locator('tbody tr').first().locator('td').allTextContents()).slice(0, 2)).toEqual(['3', 'locale']);
    // Refused whole: the demo directory is still the one in force.
    expect(await facts.textContent()).toMatch(/People\s*400/);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-hr-directory');
  });

  it('adds a choice question to the bank', async () => {
    await visit('/admin/statements', 'Statement bank');
    await page.locator('#st-id').fill('hr-e2e-lunch');
    await page.locator('#st-en').fill('Where do you usually eat lunch?');
    await page.locator('#st-theme').fill('Workplace');
    await page.locator('#st-scale').selectOption('choice');
    await page.locator('#st-options').fill('At my desk\nIn the canteen\nOutside the office');
    await page.getByRole('button', { name: 'Add a statement' }).click();
    await page.getByText('Statement hr-e2e-lunch added.').waitFor();
  });

  it('creates a draft in the order chosen, comments last, scheduled with a reminder; edits it and deletes another', async () => {
    await visit('/admin/surveys', 'Surveys and waves');
    await page.getByLabel('Survey name').fill(SURVEY);
    await page.getByRole('button', { name: 'Create survey' }).click();
    await page.getByRole('heading', { level: 2, name: SURVEY }).waitFor();
    await page.getByLabel('Survey', { exact: true }).selectOption({ label: SURVEY });
    await page.getByLabel('Wave name').fill('Spring draft');
    const statements = page.getByRole('group', { name: 'Statements' });
    // The comment question ticked first still goes last.
    await statements.getByRole('checkbox', { name: 'Anything else you want to tell us?' }).check();
    await statements.getByRole('checkbox', { name: 'Management makes its expectations clear' }).check();
    await statements.getByRole('checkbox', { name: 'My workload is manageable' }).check();
    await statements.getByRole('checkbox', { name: 'Where do you usually eat lunch?' }).check();
    const order = page.getByRole('list', { name: /Question order/ });
    expect(await order.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Management makes its expectations clear'),
      expect.stringContaining('My workload is manageable'),
      expect.stringContaining('Where do you usually eat lunch?'),
      expect.stringContaining('Anything else you want to tell us?'),
    ]);
    await page.getByRole('button', { name: 'Move up: Where do you usually eat lunch?' }).click();
    await page.getByRole('button', { name: 'Move up: Where do you usually eat lunch?' }).click();
    // A wave without an opening time closes within 180 days of now (MAX_OPEN_DAYS): a month ahead.
    await page.getByLabel(/Closes at/).fill(localDateTime(IN_A_MONTH));
    await page.getByLabel(/Automatic reminder/).fill('2');
    await saveScreenshot(page, 'journey-hr-wave-form');
    await page.getByRole('button', { name: 'Create draft wave' }).click();
    await page.getByText('Draft “Spring draft” saved.').waitFor();
    await page.getByText(new RegExp(`reminder .*${new Date(IN_A_MONTH.getTime() - 2 * DAY_MS).getFullYear()}`)).waitFor();

    await page.getByRole('button', { name: 'Edit Spring draft' }).click();
    expect(await order.getByRole('listitem').first().textContent()).toContain('Where do you usually eat lunch?');
    await page.getByLabel('Wave name').fill('Spring');
    // Unscheduled again: this wave is opened by hand below.
    await page.getByLabel(/Closes at/).fill('');
    await page.getByLabel(/Automatic reminder/).fill('');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft “Spring” saved.').waitFor();

    await page.getByLabel('Survey', { exact: true }).selectOption({ label: SURVEY });
    await page.getByLabel('Wave name').fill('Throwaway');
    await statements.getByRole('checkbox', { name: 'Management makes its expectations clear' }).check();
    await page.getByRole('button', { name: 'Create draft wave' }).click();
    await page.getByRole('button', { name: 'Delete Throwaway' }).click();
    await page.getByText('Draft “Throwaway” deleted.').waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Throwaway' }).count()).toBe(0);
    await expectNoAxeViolations(page);
  });

  it('schedules a draft to open and close by itself from the form', async () => {
    await page.getByLabel('Survey', { exact: true }).selectOption({ label: SURVEY });
    await page.getByLabel('Wave name').fill('Autumn');
    await page.getByRole('group', { name: 'Statements' }).getByRole('checkbox', { name: 'My workload is manageable' }).check();
    await page.getByLabel(/Opens at/).fill('2031-09-01T08:00');
    await page.getByLabel(/Closes at/).fill('2031-09-15T16:00');
    await page.getByRole('button', { name: 'Create draft wave' }).click();
    await page.getByText('Draft “Autumn” saved.').waitFor();
    // The list says when the server will open and close it (the scheduler acts on these dates: test/schedule-participation.test.ts).
    await page.getByText(/opens .*2031.*closes .*2031/).waitFor();
    await page.getByRole('button', { name: 'Delete Autumn' }).click();
    await page.getByText('Draft “Autumn” deleted.').waitFor();
  });

  it('opens it after a dialog that says how many are invited, and reminds with a count', async () => {
    await page.getByRole('button', { name: 'Open Spring' }).click();
    await page.getByText('Open: done.').waitFor({ timeout: 90_000 });
    expect(dialogs.at(-1)).toBe('Open “Spring”? 400 people in its audience get an invitation now.');
    await page.getByRole('button', { name: 'Send reminder Spring' }).click();
    await page.getByText('Reminders sent: 400.').waitFor({ timeout: 90_000 });
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-hr-opened-and-reminded');
  });

  it('watches live participation with its time and the next update, and why it waits', async () => {
    await page.getByRole('link', { name: 'Spring' }).click();
    await page.getByRole('table', { name: 'Participation' }).waitFor();
    const asOf = page.getByTestId('as-of');
    expect(await asOf.textContent()).toMatch(/As of \d{1,2}:\d{2}.*next update at \d{1,2}:\d{2}/);
    expect(await asOf.textContent()).toMatch(/would tell you who answered/);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-hr-participation');
  });

  it('an employee sees the chosen order, cannot send an empty reply, then answers; 31 colleagues answer too', async () => {
    const links = readInvitationLinks(inject('outbox'), SURVEY);
    expect(links.length).toBe(400);
    const phone = await (await browser.newContext({ viewport: PHONE })).newPage();
    await phone.goto(links[0]);
    await phone.getByRole('button', { name: 'Send my answers' }).waitFor();
    const legends = await phone.locator('.statement .legend').allTextContents();
    expect(legends.map((text) => text.replace(/^\d+\.\s*/, '').trim())).toEqual([
      'Where do you usually eat lunch?',
      'Management makes its expectations clear',
      'My workload is manageable',
      'Anything else you want to tell us?',
    ]);
    await phone.getByRole('button', { name: 'Send my answers' }).click();
    await phone
      .getByRole('alert')
      .filter({ hasText: /skipped every statement/ })
      .waitFor();
    await phone.getByRole('radio', { name: 'In the canteen' }).check();
    await phone
      .getByRole('group', { name: /Management/ })
      .getByRole('radio', { name: 'Agree', exact: true })
      .check();
    await phone.getByRole('button', { name: 'Send my answers' }).click();
    await phone.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await phone.context().close();
    for (const [index, link] of links.slice(1, 32).entries()) {
      const reply = await fetch(`${inject('baseUrl')}/api/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token: new URL(link).hash.slice(1),
          answers: { 'hr-e2e-lunch': ['o1', 'o2', 'o3'][index % 3], 'mgmt-expectations': (index % 5) + 1 },
        }),
      });
      expect(reply.status).toBe(201);
    }
  });

  it('closes the wave and reads the choice question’s answers per option, and its CSV', async () => {
    await visit('/admin/surveys', 'Surveys and waves');
    await page.getByRole('button', { name: 'Close Spring' }).click();
    await page.getByText('Close: done.').waitFor({ timeout: 120_000 });
    await page.getByRole('link', { name: 'Spring' }).click();
    const choice = page.getByRole('table', { name: /Where do you usually eat lunch\?: Answers per option/ });
    await choice.waitFor();
    const rows = await choice.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim()).join(' ')));
    // 1 canteen from the phone, and 31 others round-robin over the three options (11, 10, 10).
    expect(rows).toEqual(['At my desk 11 34%', 'In the canteen 11 34%', 'Outside the office 10 31%']);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).first().click();
    const csv = await (await (await download).createReadStream()).toArray();
    const text = Buffer.concat(csv).toString('utf8');
    // Excel's way of knowing it is UTF-8, then the header row, then the choice's counts per option.
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [header, ...records] = parseCsv(text).map((row) => row.fields);
    expect(header.slice(0, 4)).toEqual(['wave', 'group', 'response rate %', 'statement']);
    const canteen = records.find((row) => row[header.indexOf('option')] === 'In the canteen')!;
    expect(canteen[header.indexOf('answers')]).toBe('11');
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'journey-hr-results-choice');
  });
});
