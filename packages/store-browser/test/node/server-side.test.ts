import { createStoreResolver, type Message } from '@agent-conversations/core';
import { describe, expect, it } from 'vitest';
import { browserAdapter, createBrowserStore, createMemoryStorage } from '../../src/index.js';

describe('outside the browser (Node, server-side rendering)', () => {
  it('creates the store without touching storage, and fails the first call with a CONFIG error', async () => {
    expect('localStorage' in globalThis).toBe(false);
    const store = createBrowserStore();
    await expect(store.list('u')).rejects.toMatchObject({
      name: 'ConversationStoreError',
      code: 'CONFIG',
      message: expect.stringContaining('localStorage is missing in this runtime') as string,
    });
  });

  it('tells the resolver why local cannot be created here, while the decision stays local', async () => {
    expect(browserAdapter.isConfigured?.({} as never, {} as never)).toMatch(/^localStorage is missing in this runtime/);
    const resolver = createStoreResolver([browserAdapter]);
    expect(resolver.explain({ env: {}, authenticated: false }).decision).toBe('local');
    await expect(resolver.resolve({ env: {}, authenticated: false })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(
        /nothing is stored on the server for this session \(localStorage is missing in this runtime/,
      ) as string,
    });
  });

  it('works over any Storage-like object, serializing writes without Web Locks', async () => {
    const storage = createMemoryStorage();
    const [one, two] = [createBrowserStore({ storage }), createBrowserStore({ storage })];
    await one.upsert({ id: 'c', userId: 'u', messages: [] });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? one : two).append('u', 'c', [{ id: `m${i}`, role: 'user', content: `${i}` } as Message], {
          usage: { outputTokens: 2 },
        }),
      ),
    );
    const got = await two.get('u', 'c');
    expect(got).toMatchObject({ messageCount: 40, version: 41, usage: { outputTokens: 80 } });
    expect(new Set(got!.messages.map((m) => m.id)).size).toBe(40);
    expect(storage.getItem('agent-conversations:seq')).toBeNull();
  });

  it('turns any other failure of a storage object into a STORAGE ConversationStoreError', async () => {
    const storage = createMemoryStorage();
    const store = createBrowserStore({ storage });
    await store.upsert({ id: 'c', userId: 'u', messages: [] });
    storage.setItem = () => {
      throw new TypeError('the storage backend went away');
    };
    await expect(store.update('u', 'c', { title: 'x' })).rejects.toMatchObject({
      name: 'ConversationStoreError',
      code: 'STORAGE',
      message: expect.stringContaining('the storage backend went away') as string,
    });
    expect((await store.get('u', 'c'))?.version).toBe(1);
  });
});
