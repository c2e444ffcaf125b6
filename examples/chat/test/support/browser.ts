import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, requireBinary } from '@agent-conversations/test-binaries';
import { EXAMPLE_DIR } from './server.js';

/** Headless Chromium (CHROMIUM_PATH, else Debian's /usr/bin/chromium or another usual path), every outside connection blocked. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: requireBinary(CHROMIUM),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
}

/** A page in a fresh browser context (its own cookies and localStorage: one visitor). */
export async function openVisitor(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  await page.locator('#store-kind').filter({ hasNotText: '…' }).waitFor();
  return page;
}

/** Sends a message and waits until the scripted reply has streamed in and the conversation is saved. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const replies = await page.locator('.message.assistant:not(.pending)').count();
  await page.fill('#prompt', text);
  await page.click('#send');
  await page.locator('.message.assistant:not(.pending)').nth(replies).waitFor();
  // The composer comes back and the header shows the saved version once the reply is stored.
  await page.locator('#send:not([disabled])').waitFor();
  await page.locator('#chat-meta', { hasText: new RegExp(` ${2 * (replies + 1)} messages · saved`) }).waitFor();
}

/** Signs in as a demo user and waits for the signed-in view. */
export async function signIn(page: Page, name: string): Promise<void> {
  await page.fill('#user-name', name);
  await page.click('#sign-in-form button[type=submit]');
  await page.locator('#user-label', { hasText: name }).waitFor();
}

/** Titles in the conversation list, newest first. */
export function listTitles(page: Page): Promise<string[]> {
  return page.locator('#conversations .title').allInnerTexts();
}

/** Saves a screenshot for the README in examples/chat/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(EXAMPLE_DIR, 'screenshots');
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** The text of each user message, as typed. */
export function userTexts(page: Page): Promise<string[]> {
  return page.locator('.message.user .body').allInnerTexts();
}

/** A request from the page with its session cookie: what the signed-in user could send by hand. */
export function api(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: unknown }> {
  return page.evaluate(
    async ([method, path, body]) => {
      const init: RequestInit =
        body === undefined
          ? { method }
          : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      const response = await fetch(path, init);
      return { status: response.status, data: await response.json() };
    },
    [method, path, body] as const,
  );
}

/** Whether the page's document is wider than its window (horizontal scrolling). */
export function overflowsX(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    innerWidth: window.innerWidth,
  }));
}
