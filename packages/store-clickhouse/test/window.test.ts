import type { Message } from '@agent-conversations/core';
import { pageAll } from '@agent-conversations/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
import { freshStore } from './support/fixtures.js';

// What positions change on ClickHouse: another client's writes between pages, rewrites, shrinking lists, delete and
// re-create, and a store that saw the conversation longer, shorter or not at all. The generic window semantics (newest
// N, paging back, exact multiples, appends between pages, empty, missing, another user's) are the conformance suite's
// window checks, which conformance.test.ts runs on this store.

let backend: Backend;
beforeAll(async () => {
  backend = await openBackend();
});
afterAll(() => backend.close());

const msg = (i: number): Message => ({
  id: `m${i}`,
  role: i % 2 ? 'assistant' : 'user',
  parts: [{ type: 'text', text: `text ${i}` }],
});
const range = (from: number, to: number): Message[] => Array.from({ length: to - from }, (_, k) => msg(from + k));
const ids = (messages: readonly Message[]) => messages.map((m) => m.id);

describe('message windows (ClickHouse)', () => {
  it("another client's appends between pages do not shift them either", async () => {
    const { store, table } = freshStore(backend);
    const other = createClickHouseStore({ client: backend.newClient() }, { table });
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 30) });
    let next = 30;
    const seen = await pageAll(store, 'u', 'c', 7, async () => {
      await other.append('u', 'c', [msg(next)]);
      next += 1;
    });
    expect(seen.reverse().flat()).toEqual(ids(range(0, 30)));
    expect(ids((await store.window('u', 'c', { limit: 4 }))!.messages)).toEqual(ids(range(next - 4, next)));
  });

  it('a window always shows the list as it is now: rewritten, shortened and re-created lists', async () => {
    const { store } = freshStore(backend);
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 20) });
    const edited = range(0, 20).map((m, i) => (i === 5 ? { ...m, parts: [{ type: 'text', text: 'edited' }] } : m));
    await store.upsert({ id: 'c', userId: 'u', messages: edited.slice(0, 12) });
    expect(await pageAll(store, 'u', 'c', 5)).toEqual([ids(range(7, 12)), ids(range(2, 7)), ids(range(0, 2))]);
    expect((await store.window('u', 'c', { limit: 8 }))?.messages).toEqual(edited.slice(4, 12));
    expect((await store.window('u', 'c', { limit: 8 }))?.meta.messageCount).toBe(12);
    await store.delete('u', 'c');
    await store.upsert({ id: 'c', userId: 'u', messages: [msg(99)] });
    expect(await store.window('u', 'c')).toMatchObject({
      messages: [msg(99)],
      nextCursor: null,
      meta: { messageCount: 1, version: 1 },
    });
  });

  it('a bad limit or cursor is VALIDATION, before any query', async () => {
    const { store } = freshStore(backend);
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 3) });
    for (const options of [
      { limit: 0 },
      { limit: 1001 },
      { limit: 1.5 },
      { before: 'x' },
      { before: 'w1.-1' },
      { before: 'w1.01' },
    ]) {
      await expect(store.window('u', 'c', options)).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    const unused = createClickHouseStore({ url: 'http://127.0.0.1:1' });
    await expect(unused.window('u', 'c', { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(unused.window('u', '', {})).rejects.toMatchObject({ code: 'VALIDATION' });
    await unused.close();
  });
});

describe('window reads', () => {
  it('a store that has not seen the conversation, or saw it longer or shorter, still returns the exact window', async () => {
    const { store, table } = freshStore(backend);
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 600) });
    const fresh = () => createClickHouseStore({ client: backend.newClient() }, { table });
    // Never seen: the newest window, and a page back from a cursor another instance gave.
    const first = await fresh().window('u', 'c', { limit: 40 });
    expect(ids(first!.messages)).toEqual(ids(range(560, 600)));
    expect(ids((await fresh().window('u', 'c', { limit: 40, before: first!.nextCursor! }))!.messages)).toEqual(
      ids(range(520, 560)),
    );
    // Seen at 600, then grown by more than a guess reaches (another client appends 700), then shrunk to 30.
    const reader = fresh();
    expect((await reader.window('u', 'c', { limit: 10 }))?.meta.messageCount).toBe(600);
    await store.append('u', 'c', range(600, 1300));
    expect(ids((await reader.window('u', 'c', { limit: 10 }))!.messages)).toEqual(ids(range(1290, 1300)));
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 30) });
    expect(ids((await reader.window('u', 'c', { limit: 10 }))!.messages)).toEqual(ids(range(20, 30)));
    // A cursor past the end of a list that shrank since: the window ends at the last message.
    expect(ids((await reader.window('u', 'c', { limit: 10, before: 'w1.500' }))!.messages)).toEqual(ids(range(20, 30)));
    await store.delete('u', 'c');
    expect(await reader.window('u', 'c')).toBeNull();
  });
});
