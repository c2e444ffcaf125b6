import type { ConversationStore, Message, MessageWindow, WindowOptions } from '@agent-conversations/core';
import { expect } from '../expect.js';
import {
  assistantMessage,
  conversationMessages,
  expectCode,
  expectSameMessages,
  mustGet,
  show,
  snapshot,
  userMessage,
  type Check,
  type CheckContext,
} from '../check.js';

type WindowFn = (userId: string, id: string, options?: WindowOptions) => Promise<MessageWindow | null>;

/** The reason every window check gives when the store has no `window`. */
export const NO_WINDOW =
  'the store has no window (optional: an app then falls back to get, which loads the whole conversation)';

const windowOf = (store: ConversationStore, skip: CheckContext['skip']): WindowFn =>
  store.window?.bind(store) ?? skip(NO_WINDOW);

const ids = (messages: readonly Message[]): string[] => messages.map((m) => m.id);

/** A window that must exist. */
async function mustWindow(
  window: WindowFn,
  userId: string,
  id: string,
  options?: WindowOptions,
): Promise<MessageWindow> {
  const result = await window(userId, id, options);
  expect(result, `window(${show(options ?? {})}) of conversation ${id} should exist`).not.toBeNull();
  return result!;
}

/** Every window from the newest back to the first message, as message-id lists; `between` runs after each page that has a next one. */
async function pageBack(
  window: WindowFn,
  userId: string,
  id: string,
  limit: number,
  between?: (page: number) => Promise<void>,
): Promise<string[][]> {
  const pages: string[][] = [];
  let before: string | undefined;
  for (let page = 0; page < 200; page++) {
    const result = await mustWindow(window, userId, id, { limit, before });
    expect(result.messages.length, `window ${page + 1} (limit ${limit}) is longer than its limit`).toBeLessThanOrEqual(
      limit,
    );
    pages.push(ids(result.messages));
    if (result.nextCursor === null) return pages;
    expect(typeof result.nextCursor, 'nextCursor is a string or null').toBe('string');
    expect(result.messages.length, `window ${page + 1} has a nextCursor, so it must be full (${limit} messages)`).toBe(
      limit,
    );
    before = result.nextCursor;
    await between?.(page + 1);
  }
  throw new Error(`paging back with limit ${limit} did not reach the first message in 200 windows`);
}

/** Asserts windows, newest first, tile `expected` exactly (oldest first): every message once, no gap, no empty window. */
function expectTiles(pages: string[][], expected: readonly string[], label: string): void {
  for (const [i, page] of pages.entries())
    expect(
      page.length,
      `${label}: window ${i + 1} is empty (an exact multiple must end without an empty window)`,
    ).toBeGreaterThan(0);
  expect(
    [...pages].reverse().flat(),
    `${label}: the windows, oldest first, are not every message once and in order`,
  ).toEqual([...expected]);
}

export const windowChecks: Check[] = [
  {
    id: 'window.newest',
    concern: 'window',
    name: 'window gives the newest messages oldest first, exactly as get has them, with the meta get has; the default size is 50',
    async run({ store, user, id, skip }) {
      const window = windowOf(store, skip);
      const [u, c] = [user(), id()];
      const messages = [
        ...conversationMessages(58),
        userMessage('emoji 🦜, NUL \u0000, "quotes" and \\ escapes'),
        assistantMessage('the newest'),
      ];
      await store.upsert({ id: c, userId: u, messages, metadata: { k: [1] }, usage: { inputTokens: 3 }, model: 'm' });
      const { messages: all, ...meta } = await mustGet(store, u, c);
      const newest = await mustWindow(window, u, c);
      expectSameMessages(newest.messages, all.slice(10));
      expect(newest.meta, 'the meta of a window is what get returns without the messages').toEqual(meta);
      expect(newest.meta.messageCount, "meta.messageCount is the whole conversation's").toBe(60);
      expect(newest.nextCursor, 'a window that does not start at the first message has a nextCursor').not.toBeNull();
      expectSameMessages((await mustWindow(window, u, c, { limit: 3 })).messages, all.slice(57));
      const whole = await mustWindow(window, u, c, { limit: 1000 });
      expectSameMessages(whole.messages, all);
      expect(whole.nextCursor, 'a window holding the first message has no nextCursor').toBeNull();
      // What window returns is a copy: changing it changes nothing stored.
      const before = await snapshot(store, u, c);
      newest.messages[0]!.role = 'scribbled';
      newest.messages.push(userMessage('pushed'));
      newest.meta.title = 'scribbled';
      expect(await snapshot(store, u, c), 'changing what window returned changed the stored conversation').toBe(before);
      expectSameMessages((await mustWindow(window, u, c, { limit: 1 })).messages, all.slice(59));
    },
  },
  {
    id: 'window.after-writes',
    concern: 'window',
    name: 'window reads what the last write left: an append, a continuation of the last message, a shorter rewrite',
    async run({ store, user, id, skip }) {
      const window = windowOf(store, skip);
      const [u, c] = [user(), id()];
      const messages = conversationMessages(12);
      await store.upsert({ id: c, userId: u, messages });
      const added = [userMessage('appended'), assistantMessage('reply')];
      const appended = await store.append(u, c, added, { usage: { outputTokens: 2 } });
      const afterAppend = await mustWindow(window, u, c, { limit: 3 });
      expectSameMessages(afterAppend.messages, [messages[11]!, ...added]);
      expect(afterAppend.meta, 'the meta after an append').toEqual(appended);
      const continued = { ...added[1]!, parts: [{ type: 'text', text: 'the reply, continued' }] };
      await store.upsert({ id: c, userId: u, messages: [...messages, added[0]!, continued] });
      expectSameMessages((await mustWindow(window, u, c, { limit: 2 })).messages, [added[0]!, continued]);
      const shorter = [...messages.slice(0, 4), userMessage('a new ending')];
      const rewritten = await store.upsert({ id: c, userId: u, messages: shorter });
      const after = await mustWindow(window, u, c, { limit: 3 });
      expectSameMessages(after.messages, shorter.slice(2));
      expect(after.meta, 'the meta after a shorter rewrite').toEqual(rewritten);
      expectTiles(await pageBack(window, u, c, 2), ids(shorter), 'after a shorter rewrite');
    },
  },
  {
    id: 'window.paging',
    concern: 'window',
    name: 'paging back with nextCursor gives every message once, in order, down to the first; exact multiples end without an empty window',
    async run({ store, user, id, skip }) {
      const window = windowOf(store, skip);
      const [u, c] = [user(), id()];
      const messages = conversationMessages(20);
      await store.upsert({ id: c, userId: u, messages });
      const all = ids(messages);
      for (const limit of [5, 10, 20]) {
        const pages = await pageBack(window, u, c, limit);
        expect(
          pages.length,
          `20 messages in windows of ${limit}: exactly ${20 / limit} windows, the last with no nextCursor`,
        ).toBe(20 / limit);
        expectTiles(pages, all, `limit ${limit}`);
      }
      for (const limit of [1, 3, 7, 19, 21, 50]) {
        const pages = await pageBack(window, u, c, limit);
        expect(
          pages.map((p) => p.length),
          `20 messages in windows of ${limit}`,
        ).toEqual(Array.from({ length: Math.ceil(20 / limit) }, (_, i) => Math.min(limit, 20 - i * limit)));
        expectTiles(pages, all, `limit ${limit}`);
      }
      // Paging is repeatable: the same cursor gives the same window.
      const first = await mustWindow(window, u, c, { limit: 6 });
      const again = await mustWindow(window, u, c, { limit: 6, before: first.nextCursor! });
      expect(
        ids((await mustWindow(window, u, c, { limit: 6, before: first.nextCursor! })).messages),
        'the same cursor twice',
      ).toEqual(ids(again.messages));
      expect(ids(again.messages)).toEqual(all.slice(8, 14));
      // A different limit with a cursor ends at the same place.
      expect(
        ids((await mustWindow(window, u, c, { limit: 2, before: first.nextCursor! })).messages),
        'limit 2 before the newest 6',
      ).toEqual(all.slice(12, 14));
    },
  },
  {
    id: 'window.empty-and-missing',
    concern: 'window',
    name: 'an empty conversation is one empty window with no cursor; a missing or deleted conversation is null',
    async run({ store, user, id, skip }) {
      const window = windowOf(store, skip);
      const [u, c, gone] = [user(), id(), id()];
      const created = await store.upsert({ id: c, userId: u, messages: [] });
      expect(await window(u, c), 'an empty conversation').toEqual({ meta: created, messages: [], nextCursor: null });
      expect(await window(u, c, { limit: 1 }), 'an empty conversation, limit 1').toEqual({
        meta: created,
        messages: [],
        nextCursor: null,
      });
      expect(await window(u, id()), 'a missing conversation').toBeNull();
      expect(await window(user(), c), 'a user with no conversations').toBeNull();
      await store.upsert({ id: gone, userId: u, messages: conversationMessages(4) });
      const cursor = (await mustWindow(window, u, gone, { limit: 2 })).nextCursor!;
      expect(await store.delete(u, gone)).toBe(true);
      expect(await window(u, gone), 'a deleted conversation').toBeNull();
      expect(
        await window(u, gone, { limit: 2, before: cursor }),
        'a deleted conversation, with a cursor it gave',
      ).toBeNull();
    },
  },
  {
    id: 'window.appends-between-pages',
    concern: 'window',
    name: 'appends between pages and racing a page do not shift older windows: paging back reaches the first message with no gap and no repeat',
    async run({ store, user, id, skip }) {
      const window = windowOf(store, skip);
      const [u, c] = [user(), id()];
      const messages = conversationMessages(23);
      await store.upsert({ id: c, userId: u, messages });
      let n = 0;
      const more = () => [userMessage(`racing ${n}`, `racing-${n++}`)];
      // The first window races an append: it holds the newest 5 of the conversation before or after that append.
      const [first] = await Promise.all([mustWindow(window, u, c, { limit: 5 }), store.append(u, c, more())]);
      const known = [...ids(messages), 'racing-0'];
      const end = ids(first.messages).at(-1) === 'racing-0' ? 24 : 23;
      expect(ids(first.messages), 'the first window, racing an append').toEqual(known.slice(end - 5, end));
      const pages = [ids(first.messages)];
      let before = first.nextCursor;
      while (before) {
        // Each older page races two appends, and one more lands before the next page.
        const [page] = await Promise.all([
          mustWindow(window, u, c, { limit: 5, before }),
          store.append(u, c, more()),
          store.append(u, c, more()),
        ]);
        await store.append(u, c, more());
        pages.push(ids(page.messages));
        before = page.nextCursor;
        expect(pages.length, 'paging back does not end').toBeLessThanOrEqual(10);
      }
      expectTiles(pages, known.slice(0, end), 'paging back while appends land');
      const latest = await mustGet(store, u, c);
      expect(latest.messageCount, 'every append landed').toBe(23 + n);
      expect(
        ids((await mustWindow(window, u, c, { limit: 3 })).messages),
        'the newest window after the appends',
      ).toEqual(ids(latest.messages.slice(-3)));
    },
  },
  {
    id: 'window.other-user',
    concern: 'window',
    name: "user B sees no window of user A's conversation, not even with A's cursor, and B's own with the same id holds only B's messages",
    async run({ store, user, id, skip }) {
      const window = windowOf(store, skip);
      const [a, b, c] = [user(), user(), id()];
      const theirs = conversationMessages(6, 'a');
      await store.upsert({ id: c, userId: a, messages: theirs });
      const cursor = (await mustWindow(window, a, c, { limit: 2 })).nextCursor!;
      expect(await window(b, c), "B's window of A's conversation").toBeNull();
      expect(
        await window(b, c, { limit: 2, before: cursor }),
        "B's window of A's conversation with A's cursor",
      ).toBeNull();
      const mine = conversationMessages(3, 'b');
      await store.upsert({ id: c, userId: b, messages: mine });
      const own = await mustWindow(window, b, c, { limit: 10 });
      expectSameMessages(own.messages, mine);
      expect(own.meta, "B's own conversation").toMatchObject({ userId: b, messageCount: 3 });
      expectSameMessages((await mustWindow(window, a, c, { limit: 2, before: cursor })).messages, theirs.slice(2, 4));
    },
  },
  {
    id: 'window.bad-options',
    concern: 'window',
    name: 'a bad limit (not an integer from 1 to 1000) or cursor, and a bad user or conversation id, are VALIDATION, before any lookup',
    async run({ store, user, id, skip }) {
      const window = windowOf(store, skip);
      const [u, c, missing] = [user(), id(), id()];
      await store.upsert({ id: c, userId: u, messages: conversationMessages(3) });
      const before = await snapshot(store, u, c);
      const listCursor = (await store.list(u, { limit: 1 })).nextCursor;
      const bads: unknown[] = [
        { limit: 0 },
        { limit: -1 },
        { limit: 1.5 },
        { limit: Number.NaN },
        { limit: Number.POSITIVE_INFINITY },
        { limit: 1001 },
        { limit: '10' },
        { before: '' },
        { before: 'not-a-cursor' },
        { before: 5 },
        { before: null },
        ...(listCursor ? [{ before: listCursor }] : []),
      ];
      for (const options of bads) {
        for (const target of [c, missing]) {
          await expectCode(window(u, target, options as WindowOptions), 'VALIDATION').catch((error: Error) => {
            throw new Error(
              `window with ${show(options)} on ${target === c ? 'a stored' : 'a missing'} conversation: ${error.message}`,
            );
          });
        }
      }
      for (const bad of ['', 42, null, 'bob\u0000', 'u'.repeat(257)])
        await expectCode(window(bad as string, c), 'VALIDATION');
      for (const bad of ['', 42, '../other', 'a b', 'c'.repeat(129)])
        await expectCode(window(u, bad as string), 'VALIDATION');
      expect(await snapshot(store, u, c), 'a refused window changed the conversation').toBe(before);
    },
  },
];
