import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium, found on PATH the way `.ci/run` installs it. */
function findChromium(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || '/usr/bin/chromium';
  } catch {
    return '/usr/bin/chromium';
  }
}

const launched = new Set<Browser>();

/** A headless chromium with nothing running in the background that could add requests or noise. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  launched.add(browser);
  browser.on('disconnected', () => launched.delete(browser));
  return browser;
}

/**
 * What every open page shows (its address and its text), for a failed test's log: CI keeps the
 * log but not the screenshots, and a locator that timed out says only what it did not find.
 */
export async function describeOpenPages(): Promise<string> {
  const pages = [...launched].flatMap((browser) => browser.contexts().flatMap((context) => context.pages()));
  const described = await Promise.all(
    pages.map(async (page) => {
      const text = await page
        .locator('body')
        .innerText({ timeout: 2_000 })
        .catch((error: Error) => `(no text: ${error.message})`);
      return `--- ${page.url()}\n${text.slice(0, 4_000)}`;
    }),
  );
  return described.join('\n');
}

export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 900 };

const screenshots = join(import.meta.dirname, 'screenshots');

/** Keep what the page looked like, full length, for people reviewing the run. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  // A full-page shot resizes the viewport, and on a resize Chromium scrolls the focused text field
  // into view (for on-screen keyboards) at the next input event: seen here, a click's press and
  // release then landed 229 px apart and did nothing. So nothing editable has focus during the shot;
  // the focus is put back after it, without scrolling.
  const focused = await page.evaluateHandle(() => {
    const element = document.activeElement;
    if (!(element instanceof HTMLElement) || element === document.body) return null;
    element.blur();
    return element;
  });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  await page.evaluate((element) => element?.focus({ preventScroll: true }), focused);
}

const axePath = join(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');

/** Run axe-core in the page against WCAG 2.1 A and AA; each violation as "rule: help — targets". */
export async function findAxeViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugger, not added as a <script>: the pages' CSP rightly refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(axePath, 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<any> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v: any) => `${v.id}: ${v.help} — ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  });
}

/** Fail with every axe-core violation listed. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  expect(await findAxeViolations(page)).toEqual([]);
}

/** Every invitation link mailed to the outbox for a survey (by subject), decoded from quoted-printable where needed. */
export function readInvitationLinks(outbox: string, survey = 'Quarterly pulse'): string[] {
  const links = new Set<string>();
  for (const file of readdirSync(outbox).filter((name) => name.endsWith('.eml'))) {
    const text = readFileSync(join(outbox, file), 'utf8')
      .replace(/=\r?\n/g, '')
      .replace(/=3D/gi, '=');
    // The demo's closed annual waves mailed links too; only the open wave's links can still answer.
    if (!new RegExp(`^Subject: ${survey}`, 'm').test(text)) continue;
    for (const match of text.matchAll(/https?:\/\/[^\s"'<>]+\/r#[A-Za-z0-9_~.%-]+/g)) links.add(match[0]);
  }
  return [...links];
}

/** Wait until the outbox holds invitations for the open demo wave (opening it mails in the background). */
export async function waitForInvitationLinks(outbox: string, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let links: string[] = [];
    try {
      links = readInvitationLinks(outbox);
    } catch {
      /* the folder may not exist yet */
    }
    if (links.length > 0 || Date.now() > deadline) return links;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Invitation links of the open demo wave that have not been answered yet: the demo seeds part of
 * that wave's responses, so a link is checked (POST /api/questionnaire does not use it up).
 */
export async function findUnansweredLinks(baseUrl: string, outbox: string, count: number): Promise<string[]> {
  const found: string[] = [];
  for (const link of await waitForInvitationLinks(outbox)) {
    const { pathname, hash } = new URL(link);
    const reply = await fetch(`${baseUrl}/api/questionnaire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: hash.slice(1) }),
    });
    if (reply.status === 200) found.push(`${baseUrl}${pathname}${hash}`);
    if (found.length === count) break;
  }
  return found;
}
