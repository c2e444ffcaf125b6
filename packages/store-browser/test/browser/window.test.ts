import type { Message } from '@agent-conversations/core';
import { pageAll } from '@agent-conversations/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserStore } from '../../src/index.js';

// Windows over localStorage in Chromium, where conformance.test.ts does not reach: another store instance over the same
// localStorage writing between pages, and cursors shaped like this store's own. The generic window semantics (newest N,
// paging back, exact multiples, appends between pages, empty, missing, another user's, bad options) are the
// conformance suite's window checks, which conformance.test.ts runs on this store.
const namespace = 'window';
const msg = (i: number): Message => ({
  id: `m${i}`,
  role: i % 2 ? 'assistant' : 'user',
  parts: [{ type: 'text', text: `text ${i}` }],
});
const range = (from: number, to: number): Message[] => Array.from({ length: to - from }, (_, k) => msg(from + k));

describe('message windows (localStorage)', () => {
  afterEach(() => localStorage.clear());

  it('appends between pages do not shift the older pages: nothing is skipped or given twice', async () => {
    const store = createBrowserStore({ namespace });
    const other = createBrowserStore({ namespace }); // another part of the app writing meanwhile
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 25) });
    let next = 25;
    const seen = await pageAll(store, 'u', 'c', 10, async () => {
      await other.append('u', 'c', [msg(next), msg(next + 1)]);
      next += 2;
    });
    expect(seen.reverse().flat()).toEqual(range(0, 25).map((m) => m.id));
    expect((await store.get('u', 'c'))?.messageCount).toBe(next);
  });

  it('a cursor shaped like a window cursor but not one this store gives is VALIDATION', async () => {
    const store = createBrowserStore({ namespace });
    await store.upsert({ id: 'c', userId: 'u', messages: range(0, 3) });
    for (const before of ['w1.-1', 'w1.01']) {
      await expect(store.window('u', 'c', { before })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
  });
});
