import { expect, test } from 'vitest';
import { listTitles, openVisitor, screenshot, sendMessage, signIn, userTexts } from './support/browser.js';
import { useDemo } from './support/server.js';

const demo = useDemo();

test('signing in imports the browser history into the server store; rename and delete work there', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await sendMessage(page, 'Draft a packing list');
  await page.click('#new-chat');
  await sendMessage(page, 'Which trains go to Porto?');
  expect(await listTitles(page)).toEqual(['Which trains go to Porto?', 'Draft a packing list']);

  await signIn(page, 'alice');
  await expect
    .poll(() => page.locator('#notice-text').innerText())
    .toContain('Imported 2 conversations from this browser');
  expect(await listTitles(page)).toEqual(['Which trains go to Porto?', 'Draft a packing list']);
  // The import cleared the local copies the server acknowledged.
  expect(
    await page.evaluate(() => Object.values(localStorage).some((value) => value.includes('Draft a packing list'))),
  ).toBe(false);
  expect(await page.locator('#store-kind').innerText()).toBe('memory');
  expect(await page.locator('#store-reason').innerText()).toBe(
    'auto: no persistent backend is configured; memory is used in development/test only',
  );
  await screenshot(page, 'signed-in-imported');

  // The newest conversation is open; a signed-in reply is saved by the server in onFinish (upsert).
  await sendMessage(page, 'And back to Lisbon?');
  await page.reload();
  await page.locator('.message.user').nth(1).waitFor();
  expect(await userTexts(page)).toEqual(['Which trains go to Porto?', 'And back to Lisbon?']);

  // Rename (with expectedVersion) and delete go through the server store.
  await page.click('#rename');
  await page.fill('#rename-input', 'Rail trip');
  await page.click('#rename-form button[type=submit]');
  await page.locator('#chat-title', { hasText: 'Rail trip' }).waitFor();
  await page.locator('#conversations .title', { hasText: 'Draft a packing list' }).click();
  await page.locator('#chat-title', { hasText: 'Draft a packing list' }).waitFor();
  await page.click('#delete');
  await expect.poll(() => listTitles(page)).toEqual(['Rail trip']);
  await page.reload();
  await page.locator('#chat-title', { hasText: 'Rail trip' }).waitFor();
  expect(await listTitles(page)).toEqual(['Rail trip']);
  await screenshot(page, 'signed-in-renamed');

  // Signing out shows this browser's history again: the import cleared what it copied.
  await page.click('#sign-out');
  await page.locator('#store-kind', { hasText: 'local (this browser)' }).waitFor();
  expect(await listTitles(page)).toEqual([]);

  // Signing in again finds the server history and nothing new to import.
  await signIn(page, 'alice');
  await expect
    .poll(() => page.locator('#notice-text').innerText())
    .toBe('Signed in as alice. Nothing to import from this browser.');
  expect(await listTitles(page)).toEqual(['Rail trip']);
  await page.click('#notice-close');
  await page.click('#status summary');
  await page.locator('#store-explanation', { hasText: 'chosen         memory' }).waitFor();
  await screenshot(page, 'store-explanation');
  await page.context().close();
});

test('a rename based on an old version is refused with CONFLICT instead of overwriting (expectedVersion)', async () => {
  const first = await openVisitor(demo.browser, demo.server.url);
  await signIn(first, 'erin');
  await sendMessage(first, 'Shared shopping list');
  const second = await first.context().newPage();
  await second.goto(demo.server.url);
  await second.locator('#chat-title', { hasText: 'Shared shopping list' }).waitFor();

  await first.click('#rename');
  await first.fill('#rename-input', 'Groceries');
  await first.click('#rename-form button[type=submit]');
  await first.locator('#chat-title', { hasText: 'Groceries' }).waitFor();

  // The second tab still holds version 1.
  await second.click('#rename');
  await second.fill('#rename-input', 'Hardware store');
  await second.click('#rename-form button[type=submit]');
  await expect
    .poll(() => second.locator('#notice-text').innerText())
    .toContain('Not renamed: “Shared shopping list” was changed elsewhere');
  await second.locator('#chat-title', { hasText: 'Groceries' }).waitFor();
  expect(await listTitles(second)).toEqual(['Groceries']);
  await first.context().close();
});
