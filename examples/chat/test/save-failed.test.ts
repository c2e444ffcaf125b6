import { expect, test } from 'vitest';
import { api, openVisitor, sendMessage, signIn, userTexts } from './support/browser.js';
import { useDemo } from './support/server.js';

const demo = useDemo();

interface Stored {
  version: number;
  messages: { id: string; role: string }[];
  usage?: { inputTokens?: number; outputTokens?: number; costUsd?: number };
}

test('a reply the store refuses to save is shown as not saved, and "Save again" stores it with its usage', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await signIn(page, 'sofia');
  // The request carries a message id longer than any store accepts (128): the model answers (HTTP 200,
  // streamed), and only the save after the reply fails, which is what a store outage looks like to the page.
  await page.route('**/api/chat', async (route) => {
    const body = JSON.parse(route.request().postData()!) as { message: { id: string } };
    body.message.id = 'x'.repeat(200);
    await route.continue({ postData: JSON.stringify(body) });
  });
  await page.fill('#prompt', 'Book a table for two');
  await page.click('#send');
  await page.locator('#save-error', { hasText: 'This reply is not saved: VALIDATION' }).waitFor();
  await page.locator('.message.assistant .body', { hasText: 'reply number 1' }).waitFor();
  expect(await page.locator('#chat-meta').innerText()).toBe('Not saved yet: the first reply saves it.');
  // Nothing was stored, and the page does not let a new message pile up on the unsaved turn.
  expect((await api(page, 'GET', '/api/conversations')).data).toEqual({ items: [], nextCursor: null });
  expect(await page.locator('#send').isDisabled()).toBe(true);

  await page.unroute('**/api/chat');
  await page.click('#save-retry');
  await page.locator('#notice-text', { hasText: 'The reply is saved now.' }).waitFor();
  await page.locator('#chat-meta', { hasText: 'version 1 · 2 messages · saved' }).waitFor();
  expect(await page.locator('#save-error').isVisible()).toBe(false);
  const { data } = await api(page, 'GET', '/api/conversations');
  const id = (data as { items: { id: string }[] }).items[0]!.id;
  const stored = (await api(page, 'GET', `/api/conversations/${id}`)).data as Stored;
  expect(stored.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  expect(stored.usage).toMatchObject({
    inputTokens: expect.any(Number),
    outputTokens: expect.any(Number),
    costUsd: expect.any(Number),
  });
  expect(await page.locator('#chat-usage').innerText()).toMatch(/^Total: \d+ tokens · \$0\.\d+$/);

  // The conversation goes on normally, and a reload shows everything.
  await sendMessage(page, 'At eight, please');
  await page.reload();
  await page.locator('.message.user').nth(1).waitFor();
  expect(await userTexts(page)).toEqual(['Book a table for two', 'At eight, please']);
  await page.context().close();
});
