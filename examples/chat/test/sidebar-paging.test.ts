import { expect, test } from 'vitest';
import { listTitles, openVisitor, signIn } from './support/browser.js';
import { useDemo } from './support/server.js';

const demo = useDemo();
const COUNT = 57;

test('the sidebar shows 50 conversations, then loads older ones with the store’s cursor', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await signIn(page, 'pat');
  // 57 conversations, oldest first, written through the API as the page writes them.
  await page.evaluate(async (count) => {
    for (let i = 1; i <= count; i++) {
      const input = { messages: [{ id: `m${i}`, role: 'user', parts: [{ type: 'text', text: `Topic ${i}` }] }] };
      const response = await fetch(`/api/conversations/c${i}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
      });
      if (!response.ok) throw new Error(await response.text());
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct updatedAt, newest last
    }
  }, COUNT);
  await page.reload();
  await page.locator('#chat-title', { hasText: `Topic ${COUNT}` }).waitFor();
  const first = await listTitles(page);
  expect(first).toHaveLength(50);
  expect(first[0]).toBe(`Topic ${COUNT}`);
  expect(await page.locator('#load-more').isVisible()).toBe(true);
  expect(await page.locator('#list-count').innerText()).toBe('50+');

  await page.click('#load-more');
  await expect.poll(() => listTitles(page)).toHaveLength(COUNT);
  const all = await listTitles(page);
  expect(all).toEqual(Array.from({ length: COUNT }, (_, i) => `Topic ${COUNT - i}`));
  expect(await page.locator('#load-more').isVisible()).toBe(false);
  expect(await page.locator('#list-count').innerText()).toBe(String(COUNT));

  // An older one opens from the second page; the list keeps everything loaded after the change.
  await page.locator('#conversations .title', { hasText: /^Topic 1$/ }).click();
  await page.locator('#chat-title', { hasText: /^Topic 1$/ }).waitFor();
  await page.click('#rename');
  await page.fill('#rename-input', 'Oldest, renamed');
  await page.click('#rename-form button[type=submit]');
  await expect.poll(async () => (await listTitles(page))[0]).toBe('Oldest, renamed');
  expect(await listTitles(page)).toHaveLength(COUNT);
  await page.context().close();
});
