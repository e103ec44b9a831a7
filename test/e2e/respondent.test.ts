import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectNoAxeViolations, findUnansweredLinks, launchBrowser, PHONE, saveScreenshot } from './harness.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

/** The element that has focus, described well enough to decide what the keyboard does next. */
const describeFocus = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    return { tag: el?.tagName ?? '', type: el?.type ?? '', name: el?.name ?? '', text: el?.textContent?.trim() ?? '' };
  });

describe('answering through an invitation link', () => {
  it('answers with the keyboard only, then the same link says it was used', async () => {
    const [url] = await findUnansweredLinks(inject('baseUrl'), inject('outbox'), 1);
    const token = new URL(url).hash.slice(1);

    const page = await browser.newPage({ viewport: PHONE });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url);
    await page.getByRole('heading', { name: /what happens to your answers/i }).waitFor();
    expect(requests.every((r) => !r.includes(token))).toBe(true);
    await expectNoAxeViolations(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await saveScreenshot(page, 'respondent-questions');

    // One fieldset per closed question (the statements sit inside one more, locked while a submission is pending).
    const groups = await page.locator('fieldset.statement').count();
    const statements = groups + (await page.locator('textarea').count());
    const answeredGroups = new Set<string>();
    for (let presses = 0; presses < 200; presses++) {
      await page.keyboard.press('Tab');
      const focus = await describeFocus(page);
      if (focus.type === 'radio' && !answeredGroups.has(focus.name)) {
        answeredGroups.add(focus.name);
        // Space picks the first point, each arrow moves the choice one point along.
        await page.keyboard.press('Space');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
      } else if (focus.tag === 'TEXTAREA') {
        await page.keyboard.type('Typed with the keyboard only.');
      } else if (focus.tag === 'BUTTON' && focus.type === 'submit') {
        expect(answeredGroups.size).toBe(groups);
        await expect.poll(() => page.getByText(`${statements} of ${statements} answered`).isVisible()).toBe(true);
        await page.keyboard.press('Enter');
        break;
      }
    }
    const thanks = page.getByRole('heading', { name: 'Thank you!' });
    await thanks.waitFor();
    await expect.poll(() => thanks.evaluate((el) => el === document.activeElement)).toBe(true);
    await saveScreenshot(page, 'respondent-thanks');
    expect(await page.evaluate(() => localStorage.length === 0 || !Object.keys(localStorage).some((k) => k.startsWith('baseline.answers')))).toBe(true);

    const again = await browser.newPage({ viewport: PHONE });
    await again.goto(url);
    await again.getByRole('heading', { name: 'You have already answered' }).waitFor();
    await expectNoAxeViolations(again);
    await saveScreenshot(again, 'respondent-used');
    await again.close();
    await page.close();
  });

  it('tells a person holding a broken link, kindly, what to do', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(`${inject('baseUrl')}/r#not-a-real-token`);
    await page.getByRole('heading', { name: 'We could not find this survey' }).waitFor();
    await expect.poll(() => page.getByText(/open it again from your invitation email/).isVisible()).toBe(true);
    await expectNoAxeViolations(page);
    await saveScreenshot(page, 'respondent-bad-link');
    await page.close();
  });
});
