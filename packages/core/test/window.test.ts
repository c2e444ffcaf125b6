import { describe, expect, it } from 'vitest';
import { createMemoryStore, type ConversationStore, type Message } from '../src/index.js';

const msg = (i: number): Message => ({
  id: `m${i}`,
  role: i % 2 ? 'assistant' : 'user',
  parts: [{ type: 'text', text: `text ${i}` }],
});
const range = (from: number, to: number): Message[] => Array.from({ length: to - from }, (_, k) => msg(from + k));

/** Every window from the newest back, as message-id lists. */
async function pages(
  store: ConversationStore,
  limit: number,
  between?: (page: number) => Promise<void>,
): Promise<string[][]> {
  const out: string[][] = [];
  let before: string | undefined;
  for (;;) {
    const window = await store.window!('u', 'c', { limit, before });
    if (!window) throw new Error('missing');
    out.push(window.messages.map((m) => m.id));
    if (!window.nextCursor) return out;
    before = window.nextCursor;
    await between?.(out.length);
  }
}

describe('message windows (memory store)', () => {
  it("an empty conversation is one empty window; a missing one, or another user's, is null", async () => {
    const store = createMemoryStore();
    await store.upsert({ id: 'c', userId: 'u', messages: [] });
    expect(await store.window!('u', 'c')).toMatchObject({
      messages: [],
      nextCursor: null,
      meta: { id: 'c', messageCount: 0 },
    });
    expect(await store.window!('u', 'nope')).toBeNull();
    expect(await store.window!('other', 'c')).toBeNull();
  });

  it('pages back from the newest: exact multiples end without an empty page, a remainder ends short', async () => {
    const store = createMemoryStore();
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 100) });
    const exact = await pages(store, 50);
    expect(exact).toEqual([range(50, 100).map((m) => m.id), range(0, 50).map((m) => m.id)]);
    await store.append('u', 'c', [msg(100)]);
    const rest = await pages(store, 50);
    expect(rest.map((p) => p.length)).toEqual([50, 50, 1]);
    expect(rest.reverse().flat()).toEqual(range(0, 101).map((m) => m.id));
    const newest = await store.window!('u', 'c', { limit: 3 });
    expect(newest?.messages).toEqual(range(98, 101));
    expect(newest?.meta.messageCount).toBe(101);
  });

  it('appends between pages do not shift the older pages: nothing is skipped or given twice', async () => {
    const store = createMemoryStore();
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 25) });
    let next = 25;
    const seen = await pages(store, 10, async () => {
      await store.append('u', 'c', [msg(next), msg(next + 1)]);
      next += 2;
    });
    expect(seen.reverse().flat()).toEqual(range(0, 25).map((m) => m.id));
    expect((await store.get('u', 'c'))?.messageCount).toBe(next);
  });

  it('a bad limit or cursor is VALIDATION', async () => {
    const store = createMemoryStore();
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 3) });
    for (const options of [
      { limit: 0 },
      { limit: 1001 },
      { limit: 1.5 },
      { before: 'x' },
      { before: 'w1.-1' },
      { before: 'w1.01' },
    ]) {
      await expect(store.window!('u', 'c', options)).rejects.toMatchObject({ code: 'VALIDATION' });
    }
  });
});
