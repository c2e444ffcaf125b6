import type { Message } from '@agent-conversations/core';
import { pageAll } from '@agent-conversations/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
import { windowOf, type WindowRead } from '../src/window.js';
import { freshStore } from './support/fixtures.js';
import { gatedClient } from './support/gated-client.js';

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

describe('the newest window of a store that has seen no count', () => {
  it('is one query, and equals the tail of get: empty, short, exact multiples, and paging back from it', async () => {
    const { store, table } = freshStore(backend);
    const queries: string[] = [];
    const cold = async () => {
      const fresh = createClickHouseStore(
        { client: gatedClient(backend.newClient(), async (q) => void queries.push(q)) },
        { table },
      );
      await fresh.window('u', 'none'); // its first-use checks
      queries.length = 0;
      return fresh;
    };
    for (const n of [0, 1, 49, 50, 51, 100, 1025]) {
      await store.upsert({ id: `c${n}`, userId: 'u', messages: range(0, n) });
      const all = ids((await store.get('u', `c${n}`))!.messages);
      const newest = await (await cold()).window('u', `c${n}`, { limit: 50 });
      expect(queries).toHaveLength(1);
      expect(ids(newest!.messages)).toEqual(all.slice(Math.max(0, n - 50)));
      expect(newest!.meta.messageCount).toBe(n);
      // Every page back from its own new instance too: together they are get's list, each message once.
      const pages = [ids(newest!.messages)];
      for (let before = newest!.nextCursor; before !== null;) {
        const page = await (await cold()).window('u', `c${n}`, { limit: 50, before });
        pages.unshift(ids(page!.messages));
        before = page!.nextCursor;
      }
      expect(pages.flat()).toEqual(all);
      expect(pages).toHaveLength(Math.max(1, Math.ceil(n / 50)));
    }
    expect(await (await cold()).window('u', 'missing')).toBeNull();
    expect(queries).toHaveLength(1);
  });

  it('reads a bounded key range of a long conversation, not the whole of it', async () => {
    const { store, table } = freshStore(backend);
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 10_000) });
    await store.append('u', 'c', range(10_000, 20_000));
    await backend.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    const all = (await store.get('u', 'c'))!.messages;
    // ClickHouse refuses a query whose primary-key analysis selects more rows than this: five 1024-row granules, room
    // for the head's granule and the two a window of 50 may straddle, a quarter of the 20,001 rows.
    const capped = () =>
      createClickHouseStore(
        { client: backend.newClient() },
        { table, readSettings: { max_rows_to_read: '5120', read_overflow_mode: 'throw' } },
      );
    await expect(capped().get('u', 'c')).rejects.toThrow(/Limit for rows/);
    expect((await capped().window('u', 'c'))!.messages).toEqual(all.slice(19_950));
    expect((await capped().window('u', 'c', { limit: 1000 }))!.messages).toEqual(all.slice(19_000));
    for (const before of [20_000, 10_240, 10_001, 1024, 50]) {
      const page = await capped().window('u', 'c', { limit: 50, before: `w1.${before}` });
      expect(page!.messages).toEqual(all.slice(before - 50, before));
    }
  });
});

describe('windowOf', () => {
  const head = (messageCount: number): WindowRead['head'] => ({
    id: 'c',
    title: 't',
    createdAt: 1,
    updatedAt: 1,
    version: 1,
    messageCount,
    slot: 1,
    writeId: 'w',
    chain: [0, 0],
  });
  const read = (count: number, from: number, to: number): WindowRead => ({
    head: head(count),
    positions: Array.from({ length: to - from }, (_, k) => from + k),
    messages: range(from, to),
  });
  const newest = { limit: 10, before: null };

  it('takes the window the head asks for from the rows read with it', () => {
    expect(windowOf('u', read(100, 80, 100), newest)?.messages).toEqual(range(90, 100));
    expect(windowOf('u', read(100, 40, 50), { limit: 10, before: 50 })?.nextCursor).toBe('w1.40');
    expect(windowOf('u', read(0, 0, 0), newest)).toMatchObject({ messages: [], nextCursor: null });
    expect(windowOf('u', { head: null, positions: [], messages: [] }, newest)).toBeNull();
  });

  it('refuses rows that are not all of that window (a guess the list moved past, a count from another snapshot)', () => {
    expect(windowOf('u', read(101, 90, 100), newest)).toBeUndefined();
    expect(windowOf('u', read(100, 0, 0), newest)).toBeUndefined();
    expect(windowOf('u', read(100, 95, 100), newest)).toBeUndefined();
  });
});
