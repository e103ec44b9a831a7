/** The pages keep to the Content-Security-Policy the server sends: not one violation while they are used. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, findUnansweredLinks, launchBrowser, PHONE } from './harness.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

/**
 * A page that records every CSP violation: the `securitypolicyviolation` event (listened for before
 * any page script runs) and the console's report of a refused resource.
 */
async function watchedPage(viewport: { width: number; height: number }): Promise<{ page: Page; violations: string[] }> {
  const page = await browser.newPage({ viewport });
  const violations: string[] = [];
  await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  return { page, violations };
}

async function expectStrictHeaders(page: Page, url: string) {
  const response = await page.request.get(url);
  const csp = response.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response.headers()['referrer-policy']).toBe('no-referrer');
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
}

describe('Content-Security-Policy', () => {
  it('the dashboard runs through its pages without a violation', async () => {
    const { page, violations } = await watchedPage(DESKTOP);
    await expectStrictHeaders(page, `${inject('baseUrl')}/`);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(inject('signInUrl'));
    await page.getByRole('heading', { level: 1, name: 'Surveys and waves' }).waitFor();
    await page.getByRole('link', { name: 'Q4 pulse' }).click();
    await page.getByRole('table', { name: 'Participation' }).waitFor();
    const visit = async (path: string, heading: string | RegExp) => {
      await page.goto(`${inject('baseUrl')}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };
    // Other browser tests add surveys of their own: stay inside the demo's annual survey.
    const annualSurvey = page.locator('section', { has: page.getByRole('heading', { level: 2, name: /Annual survey/ }) });
    await visit('/', 'Surveys and waves');
    await annualSurvey.getByRole('link', { name: '2015', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Comments' }).waitFor();
    await page.getByRole('link', { name: 'Heatmap' }).click();
    await page.getByRole('heading', { level: 1, name: 'Heatmap' }).waitFor();
    await page.getByRole('table').first().waitFor();
    await visit('/', 'Surveys and waves');
    await annualSurvey.getByRole('link', { name: 'Trends' }).click();
    await page.getByRole('table').first().waitFor();
    await visit('/initiatives', 'Initiatives');
    await page.getByRole('link', { name: 'Career Steps' }).click();
    await page.getByRole('table', { name: 'Impact' }).waitFor();
    expect(violations).toEqual([]);
    await page.close();
  });

  it('the respondent page loads and shows its questions without a violation', async () => {
    const [url] = await findUnansweredLinks(inject('baseUrl'), inject('outbox'), 1);
    const { page, violations } = await watchedPage(PHONE);
    await expectStrictHeaders(page, `${inject('baseUrl')}/r`);
    await page.goto(url);
    await page.getByRole('heading', { name: /what happens to your answers/i }).waitFor();
    await page.locator('fieldset').first().waitFor();
    await page.locator('input[type=radio]').first().check();
    expect(violations).toEqual([]);
    await page.close();
  });
});
