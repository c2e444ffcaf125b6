import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserStore, type StorageLike } from '../../src/index.js';
import { rawKey, rawMessages, text } from './raw.js';

const namespace = 'layout';

/** localStorage itself, recording which keys each call writes. */
function recording(): { storage: StorageLike; writes: string[] } {
  const writes: string[] = [];
  const storage: StorageLike = {
    get length() {
      return localStorage.length;
    },
    key: (i) => localStorage.key(i),
    getItem: (k) => localStorage.getItem(k),
    setItem: (k, v) => {
      writes.push(k);
      localStorage.setItem(k, v);
    },
    removeItem: (k) => {
      writes.push(k);
      localStorage.removeItem(k);
    },
  };
  return { storage, writes };
}

describe('storage layout', () => {
  afterEach(() => localStorage.clear());

  it('keeps one entry per conversation, and no index', async () => {
    localStorage.clear();
    const store = createBrowserStore({ namespace });
    await store.upsert({
      id: 'a',
      userId: 'user-1',
      messages: [text('m1', 'first'), text('m2', 'answer', 'assistant')],
    });
    await store.upsert({ id: 'b', userId: 'user-1', messages: [] });
    await store.upsert({ id: 'a', userId: 'user:2', messages: [text('m1', 'other user')] });

    const keys = Object.keys(localStorage)
      .filter((k) => k.startsWith(`${namespace}:`))
      .sort();
    expect(keys).toEqual([
      `${namespace}:c:user%003a2:a`,
      `${namespace}:c:user-1:a`,
      `${namespace}:c:user-1:b`,
      `${namespace}:seq`,
    ]);
    const [header, ...lines] = localStorage.getItem(rawKey(namespace, 'user-1', 'a'))!.split('\n');
    expect(JSON.parse(header!)).toMatchObject({
      format: 1,
      meta: { id: 'a', userId: 'user-1', title: 'first', messageCount: 2, version: 1 },
    });
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      text('m1', 'first'),
      text('m2', 'answer', 'assistant'),
    ]);
  });

  it("writes each call as one change of its conversation's key: a crash leaves the old value or the new", async () => {
    localStorage.clear();
    const { storage, writes } = recording();
    const store = createBrowserStore({ namespace, storage });
    for (const id of ['a', 'b', 'c'])
      await store.upsert({ id, userId: 'u', messages: [text(`${id}1`, `hello ${id}`)] });

    writes.length = 0;
    await store.append('u', 'b', [text('b2', 'answer', 'assistant')]);
    await store.upsert({
      id: 'b',
      userId: 'u',
      messages: [text('b1', 'hello b'), text('b2', 'answer', 'assistant'), text('b3', 'more')],
    });
    await store.update('u', 'b', { title: 'renamed' });
    expect(writes).toEqual([rawKey(namespace, 'u', 'b'), rawKey(namespace, 'u', 'b'), rawKey(namespace, 'u', 'b')]);

    writes.length = 0;
    await store.upsert({ id: 'd', userId: 'u', messages: [] });
    expect(writes).toEqual([rawKey(namespace, 'u', 'd')]);

    writes.length = 0;
    await store.delete('u', 'a');
    expect(writes).toEqual([rawKey(namespace, 'u', 'a')]);
    expect((await store.list('u')).items.map((m) => m.id).sort()).toEqual(['b', 'c', 'd']);
  });

  it('keeps user ids with any characters apart, even lone surrogates and "__proto__"', async () => {
    localStorage.clear();
    const store = createBrowserStore({ namespace });
    const users = ['__proto__', 'a:b', 'a%003ab', 'lone \ud800 surrogate', 'emoji 👋'];
    for (const userId of users) await store.upsert({ id: 'same-id', userId, messages: [text('m', `from ${userId}`)] });
    for (const userId of users) {
      expect(rawMessages(namespace, userId, 'same-id')).toEqual([text('m', `from ${userId}`)]);
      expect((await store.list(userId)).items.map((m) => m.userId)).toEqual([userId]);
    }
    expect(await createBrowserStore({ namespace }).deleteAll('a:b')).toBe(1);
    expect((await store.list('a%003ab')).items).toHaveLength(1);
  });

  it('works over sessionStorage, apart from localStorage', async () => {
    localStorage.clear();
    sessionStorage.clear();
    const session = createBrowserStore({ namespace, storage: sessionStorage });
    await session.upsert({ id: 'tab-only', userId: 'u', messages: [text('m', 'this tab only')] });
    expect(sessionStorage.getItem(rawKey(namespace, 'u', 'tab-only'))).not.toBeNull();
    expect(await createBrowserStore({ namespace }).get('u', 'tab-only')).toBeNull();
    expect((await session.get('u', 'tab-only'))?.title).toBe('this tab only');
    sessionStorage.clear();
  });

  it('keeps namespaces apart', async () => {
    localStorage.clear();
    await createBrowserStore({ namespace: 'app-one' }).upsert({ id: 'c', userId: 'u', messages: [] });
    expect((await createBrowserStore({ namespace: 'app-two' }).list('u')).items).toEqual([]);
    expect(() => createBrowserStore({ namespace: 'has:colon' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }) as Error,
    );
  });
});
