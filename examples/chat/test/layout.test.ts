import type { Browser, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { overflowsX, screenshot, sendMessage, userTexts } from './support/browser.js';
import { useDemo } from './support/server.js';

const demo = useDemo();
const LONG_WORD = 'Supercalifragilistic'.repeat(15);
const LONG_URL = `https://example.com/${'very-long-path-segment/'.repeat(12)}?q=${'x'.repeat(120)}`;

async function visit(browser: Browser, url: string, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  await page.locator('#store-kind').filter({ hasNotText: '…' }).waitFor();
  return page;
}

/** Fails when the element's box leaves the window on the left or right. */
async function inside(page: Page, selector: string, width: number): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  expect(box, selector).not.toBeNull();
  expect(box!.x, selector).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, selector).toBeLessThanOrEqual(width);
}

test('at 1280 px a long word and a long URL wrap: no horizontal scrolling, Send/Rename/Delete stay on screen', async () => {
  const page = await visit(demo.browser, demo.server.url, 1280, 800);
  await sendMessage(page, `${LONG_WORD} and ${LONG_URL}`);
  await page.click('#new-chat');
  await sendMessage(page, LONG_URL);
  const { scrollWidth, innerWidth } = await overflowsX(page);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  for (const selector of ['#send', '#rename', '#delete', '#conversations li:first-child'])
    await inside(page, selector, 1280);
  // The sidebar is a column beside the chat, not a drawer.
  expect(await page.locator('#menu').isVisible()).toBe(false);
  await inside(page, '#sidebar', 1280);
  await page.context().close();
});

test('at 390 px (a phone) the sidebar is a drawer; the chat fits the width; the composer takes several lines', async () => {
  const page = await visit(demo.browser, demo.server.url, 390, 844);
  // The closed drawer is off-screen to the left; the chat uses the whole width.
  const closed = await page.locator('#sidebar').boundingBox();
  expect(closed!.x + closed!.width).toBeLessThanOrEqual(0);
  await inside(page, '#send', 390);

  // Shift+Enter starts a new line; Enter sends.
  await page.click('#prompt');
  await page.keyboard.type('First line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type(`then ${LONG_WORD}`);
  expect(await page.locator('#prompt').inputValue()).toBe(`First line\nthen ${LONG_WORD}`);
  await page.keyboard.press('Enter');
  await page.locator('#chat-meta', { hasText: ' 2 messages · saved' }).waitFor();
  expect(await userTexts(page)).toEqual([`First line\nthen ${LONG_WORD}`]);
  expect(await page.locator('#prompt').inputValue()).toBe('');
  await sendMessage(page, LONG_URL);

  const { scrollWidth, innerWidth } = await overflowsX(page);
  expect(innerWidth).toBe(390);
  expect(scrollWidth).toBeLessThanOrEqual(390);
  for (const selector of ['#send', '#rename', '#delete', '#prompt', '#menu']) await inside(page, selector, 390);
  await screenshot(page, 'phone-chat');

  // The ☰ button opens the drawer over the chat; choosing a conversation closes it.
  await page.click('#menu');
  await page.waitForFunction(() => document.getElementById('sidebar')!.getBoundingClientRect().x >= 0);
  await inside(page, '#sidebar', 390);
  await inside(page, '#new-chat', 390);
  expect((await overflowsX(page)).scrollWidth).toBeLessThanOrEqual(390);
  await screenshot(page, 'phone-drawer');
  await page.locator('#conversations .title').first().click();
  await page.waitForFunction(() => document.getElementById('sidebar')!.getBoundingClientRect().right <= 0);
  await page.context().close();
});
