import { expect, test } from 'vitest';
import { listTitles, openVisitor, screenshot, sendMessage, userTexts } from './support/browser.js';
import { useDemo } from './support/server.js';

const demo = useDemo();

test('a signed-out visitor keeps the conversation in localStorage: both messages are there after a reload', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await expect.poll(() => page.locator('#store-kind').innerText()).toBe('local (this browser)');
  expect(await page.locator('#store-reason').innerText()).toBe(
    'unauthenticated sessions always keep history in the browser',
  );

  await sendMessage(page, 'Plan a weekend in Lisbon');
  await sendMessage(page, 'Add a day trip to Sintra');
  expect(await page.locator('.message.assistant').last().innerText()).toContain(
    'my reply number 2 in this conversation',
  );
  await screenshot(page, 'anonymous-chat');

  await page.reload();
  await page.locator('.message.user').nth(1).waitFor();
  expect(await userTexts(page)).toEqual(['Plan a weekend in Lisbon', 'Add a day trip to Sintra']);
  expect(await page.locator('.message.assistant').count()).toBe(2);
  expect(await listTitles(page)).toEqual(['Plan a weekend in Lisbon']);

  // The history is in this browser's localStorage (store-browser); the server keeps nothing for a signed-out session.
  const inStorage = await page.evaluate(() =>
    Object.values(localStorage).some((value) => value.includes('Add a day trip to Sintra')),
  );
  expect(inStorage).toBe(true);
  expect(await page.evaluate(async () => (await fetch('/api/conversations')).status)).toBe(401);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('#empty-list').waitFor();
  expect(await listTitles(page)).toEqual([]);
  await page.context().close();
});
