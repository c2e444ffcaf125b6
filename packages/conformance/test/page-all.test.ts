import { createMemoryStore, type Message } from '@agent-conversations/core';
import { describe, expect, it } from 'vitest';
import { conversationMessages, pageAll } from '../src/index.js';

const ids = (messages: readonly Message[]) => messages.map((m) => m.id);

describe('pageAll', () => {
  it('gives every window from the newest back to the first, running `between` after each one that has a next', async () => {
    const store = createMemoryStore();
    const messages = conversationMessages(7);
    await store.upsert({ id: 'c', userId: 'u', messages });
    const all = ids(messages);
    const calls: number[] = [];
    const pages = await pageAll(store, 'u', 'c', 3, async (page) => {
      calls.push(page);
      await store.append('u', 'c', conversationMessages(1, `more ${page}`));
    });
    expect(pages).toEqual([all.slice(4, 7), all.slice(1, 4), all.slice(0, 1)]);
    expect(calls).toEqual([1, 2]);
    expect(await pageAll(store, 'u', 'c', 9)).toHaveLength(1);
  });

  it('throws for a missing conversation and for a store without window', async () => {
    const store = createMemoryStore();
    await expect(pageAll(store, 'u', 'nope', 5)).rejects.toThrow('no conversation nope');
    await expect(pageAll({ ...store, window: undefined }, 'u', 'c', 5)).rejects.toThrow('has no window');
  });
});
