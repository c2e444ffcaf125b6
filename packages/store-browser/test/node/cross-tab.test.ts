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

describe('two tabs of one origin', () => {
  it('append at once and lose nothing', async () => {
    const [a, b] = [await tab(), await tab()];
    await a.evaluate(() => window.harness.createBrowserStore().upsert({ id: 'shared', userId: 'u', messages: [] }));
    const startAt = Date.now() + 500; // both tabs start together
    const appendMany = (page: Page, name: string): Promise<void> =>
      page.evaluate(
        async ([tabName, at]) => {
          const store = window.harness.createBrowserStore();
          await new Promise((r) => setTimeout(r, at - Date.now()));
          // Two chains per tab, each awaiting its previous append: the write lock passes between the tabs again and
          // again (all at once from each tab, the requests of one tab would queue before the other's).
          await Promise.all(
            ['x', 'y'].map(async (chain) => {
              for (let i = 0; i < 50; i++) {
                const message = {
                  id: `${tabName}${chain}-${i}`,
                  role: 'user',
                  parts: [{ type: 'text', text: `${i}` }],
                };
                await store.append('u', 'shared', [message as Message], { usage: { inputTokens: 1 } });
              }
            }),
          );
        },
        [name, startAt] as const,
      );
    await Promise.all([appendMany(a, 'a'), appendMany(b, 'b')]);

    for (const page of [a, b]) {
      // Reads take no lock: a tab sees the other tab's last writes a moment later. Wait until this tab has seen all
      // 201 writes (the create and 200 appends); the counter counts writes, so a lost append still fails below.
      await page.waitForFunction(() => localStorage.getItem('agent-conversations:seq') === '000000000000201');
      const got = await page.evaluate(() => window.harness.createBrowserStore().get('u', 'shared'));
      const ids = got!.messages.map((m: Message) => m.id);
      expect(new Set(ids).size).toBe(200);
      for (const chain of ['ax', 'ay', 'bx', 'by'])
        expect(ids.filter((id) => id.startsWith(`${chain}-`))).toEqual(
          Array.from({ length: 50 }, (_, i) => `${chain}-${i}`),
        );
      expect(got).toMatchObject({ messageCount: 200, version: 201, usage: { inputTokens: 200 } });
    }
  });

  it("see each other's changes through subscribe", async () => {
    const [a, b] = [await tab(), await tab()];
    await a.evaluate(() => {
      window.harness.createBrowserStore().subscribe((change) => window.harness.changes.push(change));
    });
    await b.evaluate(() =>
      window.harness.createBrowserStore().upsert({
        id: 'from-b',
        userId: 'u',
        messages: [{ id: 'm', role: 'user', content: 'hello from b' } as Message],
      }),
    );
    await a.waitForFunction(() => window.harness.changes.length > 0);
    expect(await a.evaluate(() => window.harness.changes)).toEqual([{ type: 'saved', userId: 'u', id: 'from-b' }]);
    expect(
      await a.evaluate(async () => (await window.harness.createBrowserStore().list('u')).items.map((m) => m.title)),
    ).toEqual(['hello from b']);

    await b.evaluate(() => window.harness.createBrowserStore().delete('u', 'from-b'));
    await a.waitForFunction(() => window.harness.changes.length > 1);
    expect(await a.evaluate(() => window.harness.changes[1])).toEqual({ type: 'deleted', userId: 'u', id: 'from-b' });
  });
});

describe('a tab killed in the middle of a call', () => {
  async function crashAtWrite(run: 'create' | 'append'): Promise<void> {
    const page = await tab();
    const cdp = await context.newCDPSession(page); // attach now: a hung renderer cannot be attached to
    const paused = page.waitForEvent('console', (message) => message.text() === 'at-write');
    await page.evaluate((call) => {
      const store = window.harness.createBrowserStore({ storage: window.harness.hangAtEntryWrite(), crossTab: true });
      const message = { id: 'lost', role: 'user', content: 'never written' } as Message;
      // Started from a timer, so this evaluate returns before the tab hangs (holding the write lock).
      setTimeout(
        () =>
          void (call === 'create'
            ? store.upsert({ id: 'new', userId: 'u', messages: [message] })
            : store.append('u', 'old', [message])),
        0,
      );
    }, run);
    await paused;
    const crashed = page.waitForEvent('crash');
    // The renderer dies before it can answer, so the command itself fails; the crash event is what counts.
    void cdp.send('Page.crash').catch(() => 'the renderer is gone');
    await crashed;
  }

  for (const run of ['create', 'append'] as const) {
    it(`leaves the stored history as it was (${run}), and the next tab writes at once`, async () => {
      const seed = await tab();
      await seed.evaluate(() =>
        window.harness
          .createBrowserStore()
          .upsert({ id: 'old', userId: 'u', messages: [{ id: 'm1', role: 'user', content: 'kept' } as Message] }),
      );
      await crashAtWrite(run);

      const reloaded = await tab();
      const after = await reloaded.evaluate(async () => {
        const store = window.harness.createBrowserStore();
        const before = { ids: (await store.list('u')).items.map((m) => m.id), old: await store.get('u', 'old') };
        await store.append('u', 'old', [
          { id: 'm2', role: 'assistant', content: 'written after the crash' } as Message,
        ]);
        return { ...before, count: (await store.get('u', 'old'))?.messageCount };
      });
      expect(after).toMatchObject({ ids: ['old'], old: { messageCount: 1, version: 1 }, count: 2 });
    });
  }
});
