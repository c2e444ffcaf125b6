import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { api, listTitles, openVisitor, sendMessage, signIn, userTexts } from './support/browser.js';
import { useDemo } from './support/server.js';

const demo = useDemo();
const IMG = '<img src=x onerror="window.pwned=1">';
const say = (id: string, role: 'user' | 'assistant', text: string) => ({ id, role, parts: [{ type: 'text', text }] });

/** What an injected script would have left behind: a global, or live handlers and javascript: links in the DOM. */
function traces(
  page: Page,
): Promise<{ pwned: unknown; handlers: number; jsLinks: number; scripts: number; frames: number }> {
  return page.evaluate(() => ({
    pwned: (window as unknown as { pwned?: unknown }).pwned,
    handlers: [...document.querySelectorAll('#main *')].filter((el) =>
      [...el.attributes].some((a) => a.name.startsWith('on')),
    ).length,
    jsLinks: document.querySelectorAll('#main a[href^="javascript"]').length,
    scripts: document.querySelectorAll('#main script').length,
    frames: document.querySelectorAll('#main iframe, #main object, #main embed').length,
  }));
}

test('replies render markdown (bold, lists, code blocks), and an XSS payload in a message or a title stays inert', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await signIn(page, 'mallory');
  await sendMessage(page, `Look: ${IMG} **bold**`);
  const reply = page.locator('.message.assistant .body').last();
  expect(await reply.locator('strong', { hasText: 'scripted model' }).count()).toBe(1);
  expect(await reply.locator('ul > li').count()).toBe(2);
  expect((await reply.locator('pre > code').innerText()).trim()).toBe(
    'await saveChat(store, { chat, messages, usage });',
  );
  // What the user typed is shown as typed; the reply quotes it as markdown, sanitized.
  expect(await userTexts(page)).toEqual([`Look: ${IMG} **bold**`]);
  expect(await page.locator('#chat-title').innerText()).toBe(`Look: ${IMG} **bold**`);
  expect(await listTitles(page)).toEqual([`Look: ${IMG} **bold**`]);

  // Stored by hand (as another client of the API could): an assistant message full of payloads, and a title.
  const payload = [
    '<script>window.pwned = 2</script>',
    IMG,
    '<a href="javascript:window.pwned=3">click me</a> [or me](javascript:window.pwned=4)',
    '<iframe src="javascript:parent.pwned=5"></iframe><svg><script>window.pwned=6</script></svg>',
    '<form action="/api/sign-out" method="post"><button>win</button></form>',
    '<div style="position:fixed;inset:0" onmouseover="window.pwned=7">cover</div>',
  ].join('\n\n');
  const put = await api(page, 'PUT', '/api/conversations/stored-xss', {
    input: {
      title: '<img src=y onerror="window.pwned=8">',
      messages: [say('u1', 'user', 'hi'), say('a1', 'assistant', payload)],
    },
  });
  expect(put.status).toBe(200);
  await page.reload();
  await page.locator('#chat-title', { hasText: '<img src=y onerror="window.pwned=8">' }).waitFor();
  const stored = page.locator('.message.assistant .body').last();
  expect(await stored.innerText()).toContain('click me');
  expect(await stored.innerText()).toContain('cover');
  await page.mouse.move(200, 300);
  await page.locator('.message.assistant a', { hasText: 'click me' }).click();
  await page.locator('.message.assistant a', { hasText: 'or me' }).click();
  expect(await traces(page)).toEqual({ pwned: undefined, handlers: 0, jsLinks: 0, scripts: 0, frames: 0 });
  expect(await stored.locator('form, button, [style]').count()).toBe(0);
  await page.context().close();
});
