/// <reference types="node" />
import type { Message } from '@agent-conversations/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, openPage, startPageServer, type PageServer } from '../harness/chromium.js';

// Real tabs: separate pages of one Chromium context share the origin's localStorage, as two tabs do.
let server: PageServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startPageServer();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(async () => {
  await context?.close();
  context = await browser.newContext();
});

const tab = (): Promise<Page> => openPage(context, server.url);

async function rawState(page: Page, ids: string[]): Promise<{ index: string[]; entries: string[] }> {
  return page.evaluate((wanted) => {
    const raw = localStorage.getItem('agent-conversations:index');
    const index = raw === null ? [] : ((JSON.parse(raw) as { users: Record<string, string[]> }).users.u ?? []);
    return { index, entries: wanted.filter((id) => localStorage.getItem(`agent-conversations:c:u:${id}`) !== null) };
  }, ids);
}

describe('two tabs of one origin', () => {
  it('append at once and lose nothing', async () => {
    const [a, b] = [await tab(), await tab()];
    await a.evaluate(() => window.harness.createBrowserStore().upsert({ id: 'shared', userId: 'u', messages: [] }));
    const appendMany = (label: string): Promise<void> =>
      (label === 'a' ? a : b).evaluate(async (name) => {
        const store = window.harness.createBrowserStore();
        await Promise.all(
          Array.from({ length: 100 }, (_, i) => store.append('u', 'shared', [{ id: `${name}-${i}`, role: 'user', parts: [{ type: 'text', text: `${name} ${i}` }] } as Message], { usage: { inputTokens: 1 } })),
        );
      }, label);
    await Promise.all([appendMany('a'), appendMany('b')]);

    for (const page of [a, b]) {
      const got = await page.evaluate(() => window.harness.createBrowserStore().get('u', 'shared'));
      const ids = got!.messages.map((m: Message) => m.id);
      expect(new Set(ids).size).toBe(200);
      expect(ids.filter((id) => id.startsWith('a-'))).toEqual(Array.from({ length: 100 }, (_, i) => `a-${i}`));
      expect(ids.filter((id) => id.startsWith('b-'))).toEqual(Array.from({ length: 100 }, (_, i) => `b-${i}`));
      expect(got).toMatchObject({ messageCount: 200, version: 201, usage: { inputTokens: 200 } });
    }
  });

  it('see each other\'s changes through subscribe', async () => {
    const [a, b] = [await tab(), await tab()];
    await a.evaluate(() => {
      window.harness.createBrowserStore().subscribe((change) => window.harness.changes.push(change));
    });
    await b.evaluate(() => window.harness.createBrowserStore().upsert({ id: 'from-b', userId: 'u', messages: [{ id: 'm', role: 'user', content: 'hello from b' } as Message] }));
    await a.waitForFunction(() => window.harness.changes.length > 0);
    expect(await a.evaluate(() => window.harness.changes)).toEqual([{ type: 'saved', userId: 'u', id: 'from-b' }]);
    expect(await a.evaluate(async () => (await window.harness.createBrowserStore().list('u')).items.map((m) => m.title))).toEqual(['hello from b']);

    await b.evaluate(() => window.harness.createBrowserStore().delete('u', 'from-b'));
    await a.waitForFunction(() => window.harness.changes.length > 1);
    expect(await a.evaluate(() => window.harness.changes[1])).toEqual({ type: 'deleted', userId: 'u', id: 'from-b' });
  });
});

describe('a tab killed between the two writes of one call', () => {
  async function crashBetweenWrites(run: string): Promise<void> {
    const page = await tab();
    const cdp = await context.newCDPSession(page); // attach now: a hung renderer cannot be attached to
    const paused = page.waitForEvent('console', (message) => message.text() === 'between-writes');
    await page.evaluate((call) => {
      const store = window.harness.createBrowserStore({ storage: window.harness.hangAtIndexWrite(), crossTab: true });
      // Started from a timer, so this evaluate returns before the tab hangs.
      setTimeout(() => void (call === 'create' ? store.upsert({ id: 'new', userId: 'u', messages: [{ id: 'm', role: 'user', content: 'written just before the crash' } as Message] }) : store.delete('u', 'old')), 0);
    }, run);
    await paused;
    const crashed = page.waitForEvent('crash');
    // The renderer dies before it can answer, so the command itself fails; the crash event is what counts.
    void cdp.send('Page.crash').catch(() => 'the renderer is gone');
    await crashed;
  }

  it('leaves a created conversation that the next load adopts', async () => {
    const seed = await tab();
    await seed.evaluate(() => window.harness.createBrowserStore().upsert({ id: 'old', userId: 'u', messages: [] }));
    await crashBetweenWrites('create');

    const reloaded = await tab();
    expect(await rawState(reloaded, ['old', 'new'])).toEqual({ index: ['old'], entries: ['old', 'new'] });
    const titles = await reloaded.evaluate(async () => (await window.harness.createBrowserStore().list('u')).items.map((m) => m.title));
    expect(titles.sort()).toEqual(['New Conversation', 'written just before the crash']);
    expect(await rawState(reloaded, ['old', 'new'])).toEqual({ index: ['old', 'new'], entries: ['old', 'new'] });
  });

  it('leaves a deleted conversation that the next load finishes deleting', async () => {
    const seed = await tab();
    await seed.evaluate(async () => {
      const store = window.harness.createBrowserStore();
      await store.upsert({ id: 'old', userId: 'u', messages: [] });
      await store.upsert({ id: 'other', userId: 'u', messages: [] });
    });
    await crashBetweenWrites('delete');

    const reloaded = await tab();
    expect(await rawState(reloaded, ['old', 'other'])).toEqual({ index: ['old', 'other'], entries: ['other'] });
    expect(await reloaded.evaluate(async () => (await window.harness.createBrowserStore().list('u')).items.map((m) => m.id))).toEqual(['other']);
    expect(await rawState(reloaded, ['old', 'other'])).toEqual({ index: ['other'], entries: ['other'] });
  });
});
