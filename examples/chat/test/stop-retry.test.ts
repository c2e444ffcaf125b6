import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { api, openVisitor, sendMessage, signIn, userTexts } from './support/browser.js';
import { useDemo } from './support/server.js';

// Slow replies (80 ms a word), so Stop lands in the middle of one.
const demo = useDemo({ CHAT_DEMO_REPLY_DELAY_MS: '80' });

interface Stored {
  version: number;
  messages: { role: string; parts: { type: string; text?: string }[] }[];
}

async function stored(page: Page): Promise<Stored | null> {
  const { data } = await api(page, 'GET', '/api/conversations');
  const first = (data as { items: { id: string }[] }).items[0];
  return first ? ((await api(page, 'GET', `/api/conversations/${first.id}`)).data as Stored) : null;
}

const textOf = (message: Stored['messages'][number]): string => message.parts.map((part) => part.text ?? '').join('');

/** Sends `text` and presses Stop once a few words of the reply have arrived. */
async function stopMidReply(page: Page, text: string): Promise<void> {
  await page.fill('#prompt', text);
  await page.click('#send');
  await page.waitForFunction(
    () => (document.querySelector('.message.assistant .body')?.textContent ?? '').split(' ').length >= 6,
  );
  await page.click('#stop');
}

test('Stop keeps the partial reply, and the server stores it', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await signIn(page, 'sam');
  await stopMidReply(page, 'Tell me a long story');
  await page.locator('#chat-meta', { hasText: 'version 1 · 2 messages · saved' }).waitFor();
  const shown = await page.locator('.message.assistant .body').innerText();
  const saved = await stored(page);
  expect(saved!.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  const kept = textOf(saved!.messages[1]!);
  expect(kept.length).toBeGreaterThan(10);
  // Cut short: the full reply ends with its code block.
  expect(kept).not.toContain('saveChat(store');
  expect(kept.replace(/\W+/g, ' ').trim()).toBe(shown.replace(/\W+/g, ' ').trim());

  // After a reload the partial reply is still there, and the next message continues the conversation.
  await page.reload();
  await page.locator('.message.assistant').waitFor();
  expect(await userTexts(page)).toEqual(['Tell me a long story']);
  expect(await page.locator('.message.assistant .body').innerText()).toBe(shown);
  await sendMessage(page, 'Go on');
  expect((await stored(page))!.version).toBe(2);
  await page.context().close();
});

test('a failed request (network error) shows Retry, and Retry sends it again', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await signIn(page, 'rita');
  let blocked = 0;
  await page.route('**/api/chat', async (route) => {
    blocked++;
    await route.abort('failed');
  });
  await page.fill('#prompt', 'Is the bakery open?');
  await page.click('#send');
  await page.locator('#chat-error', { hasText: 'The reply failed' }).waitFor();
  expect(blocked).toBe(1);
  expect(await page.locator('#retry').isVisible()).toBe(true);
  expect(await stored(page)).toBeNull();

  await page.unroute('**/api/chat');
  await page.click('#retry');
  await page.locator('#chat-meta', { hasText: 'version 1 · 2 messages · saved' }).waitFor();
  expect(await page.locator('#chat-error').isVisible()).toBe(false);
  const saved = await stored(page);
  expect(saved!.messages.map((m) => [m.role, m.role === 'user' ? textOf(m) : 'reply'])).toEqual([
    ['user', 'Is the bakery open?'],
    ['assistant', 'reply'],
  ]);
  expect(await userTexts(page)).toEqual(['Is the bakery open?']);
  await page.context().close();
});

test('signed out, Stop keeps the partial reply in this browser', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await stopMidReply(page, 'Count slowly');
  await page.locator('#chat-meta', { hasText: 'version 1 · 2 messages · saved in this browser' }).waitFor();
  const shown = await page.locator('.message.assistant .body').innerText();
  await page.reload();
  await page.locator('.message.assistant').waitFor();
  expect(await page.locator('.message.assistant .body').innerText()).toBe(shown);
  expect(shown).not.toContain('saveChat(store');
  await page.context().close();
});

test('a conversation changed elsewhere while a reply streams is not overwritten: the page says so and keeps the message', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await signIn(page, 'tess');
  await sendMessage(page, 'Plan the garden');
  const { data } = await api(page, 'GET', '/api/conversations');
  const id = (data as { items: { id: string }[] }).items[0]!.id;

  await page.fill('#prompt', 'Add tomatoes');
  await page.click('#send');
  await page.waitForFunction(() => document.querySelectorAll('.message.assistant').length === 2);
  // Another tab renames it while the reply is still streaming (version 1 -> 2).
  expect(
    (
      await api(page, 'PATCH', `/api/conversations/${id}`, {
        patch: { title: 'Garden' },
        options: { expectedVersion: 1 },
      })
    ).status,
  ).toBe(200);
  await page
    .locator('#notice-text', {
      hasText: 'Your message and its reply were not saved: this conversation was changed in another tab',
    })
    .waitFor();
  await page.locator('#chat-title', { hasText: 'Garden' }).waitFor();
  expect(await userTexts(page)).toEqual(['Plan the garden']);
  expect(await page.locator('#prompt').inputValue()).toBe('Add tomatoes');
  const saved = await stored(page);
  expect(saved!.version).toBe(2);
  expect(saved!.messages).toHaveLength(2);
  expect(demo.server.output()).not.toMatch(/\n\s+at /);
  await page.context().close();
});
