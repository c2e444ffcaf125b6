import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserStore } from '../../src/index.js';
import { rawDump, rawKey, rawMessages, text } from './raw.js';

const namespace = 'integrity';
/** The index key earlier releases kept (conversation ids per user); this version neither reads nor writes it. */
const indexKey = `${namespace}:index`;

async function codeAndMessage(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code: string; message: string },
  );
  return error ? `${error.code}: ${error.message}` : 'resolved';
}

describe('data in another format', () => {
  afterEach(() => localStorage.clear());

  it('refuses a conversation written by a newer version, except deleting it', async () => {
    localStorage.clear();
    const store = createBrowserStore({ namespace });
    await store.upsert({ id: 'old', userId: 'u', messages: [] });
    const key = rawKey(namespace, 'u', 'new');
    localStorage.setItem(key, `${JSON.stringify({ format: 3, meta: { somethingElse: 1 } })}\nline`);
    const before = rawDump(namespace);
    const fresh = createBrowserStore({ namespace });
    for (const call of [
      fresh.get('u', 'new'),
      fresh.list('u'),
      fresh.upsert({ id: 'new', userId: 'u', messages: [] }),
      fresh.append('u', 'new', [text('m', 'hi')]),
      fresh.update('u', 'new', { title: 'x' }),
    ]) {
      expect(await codeAndMessage(call)).toContain(
        'STORAGE: localStorage key "integrity:c:u:new" was written by a newer @agent-conversations/store-browser (format 3)',
      );
    }
    expect(localStorage.getItem(key)).toBe(before[key]);
    expect(await fresh.delete('u', 'new')).toBe(true);
    expect((await fresh.list('u')).items.map((m) => m.id)).toEqual(['old']);
  });

  it('refuses corrupt data with a clear error instead of overwriting it', async () => {
    localStorage.clear();
    const store = createBrowserStore({ namespace });
    await store.upsert({ id: 'c', userId: 'u', messages: [text('m1', 'hi'), text('m2', 'there')] });
    const key = rawKey(namespace, 'u', 'c');
    const good = localStorage.getItem(key)!;
    for (const bad of [
      'not json',
      good.split('\n').slice(0, 2).join('\n'),
      `${good.split('\n')[0]}\n{broken\n{}`,
      '{"format":1,"meta":{"id":"c"}}',
    ]) {
      localStorage.setItem(key, bad);
      expect(await codeAndMessage(store.get('u', 'c'))).toBe(
        'STORAGE: localStorage key "integrity:c:u:c" is corrupt (delete the conversation or remove the key to go on); it was left untouched',
      );
      expect(await codeAndMessage(store.append('u', 'c', [text('m3', 'more')]))).toMatch(/^STORAGE/);
      expect(localStorage.getItem(key)).toBe(bad);
    }
  });
});

describe('data of older versions', () => {
  afterEach(() => localStorage.clear());

  it('finds every conversation by its key, whatever the index older versions kept says, and leaves that index untouched', async () => {
    localStorage.clear();
    const writer = createBrowserStore({ namespace });
    await writer.upsert({ id: 'listed', userId: 'u', messages: [] });
    await writer.upsert({ id: 'unlisted', userId: 'u', messages: [text('m', 'saved after the index was written')] });
    for (const index of [
      JSON.stringify({ format: 1, users: { u: ['listed', 'ghost'] } }),
      JSON.stringify({ format: 2, future: true }),
      '{"format":1,"users":',
    ]) {
      localStorage.setItem(indexKey, index);
      const loaded = createBrowserStore({ namespace });
      expect((await loaded.list('u')).items.map((m) => m.id).sort()).toEqual(['listed', 'unlisted']);
      await loaded.append('u', 'listed', [text(`m${index.length}`, 'more')]);
      expect(await loaded.delete('u', 'ghost')).toBe(false);
      expect(localStorage.getItem(indexKey)).toBe(index);
    }
  });
});

describe('cross-tab safety in one page', () => {
  afterEach(() => localStorage.clear());

  it('takes the Web Lock for writes, so a write waits while another tab holds it', async () => {
    localStorage.clear();
    const store = createBrowserStore({ namespace });
    await store.upsert({ id: 'c', userId: 'u', messages: [] });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = new Promise<void>(
      (granted) => void navigator.locks.request(`${namespace}:write`, () => (granted(), held)),
    );
    await holding;

    const pending = store.append('u', 'c', [text('m', 'waits for the lock')]);
    while (!(await navigator.locks.query()).pending?.some((lock) => lock.name === `${namespace}:write`))
      await new Promise((r) => setTimeout(r, 1));
    expect(localStorage.getItem(rawKey(namespace, 'u', 'c'))!.split('\n')).toHaveLength(1);

    release();
    expect((await pending).messageCount).toBe(1);
  });

  it('waits until the data of the previous writer in another tab has arrived before writing, however late', async () => {
    localStorage.clear();
    const store = createBrowserStore({ namespace });
    await store.upsert({ id: 'c', userId: 'u', messages: [text('m1', 'first')] });
    // Another tab wrote counter 50 and holds its marker lock, but its data has not reached this tab yet.
    let release!: () => void;
    const marker = new Promise<void>((resolve) => (release = resolve));
    void navigator.locks.request(`${namespace}:seq:000000000000050`, { mode: 'shared' }, () => marker);
    const pending = store.append('u', 'c', [text('m3', 'mine')]);
    while (!(await navigator.locks.query()).held?.some((lock) => lock.name === `${namespace}:write`))
      await new Promise((r) => setTimeout(r, 1));
    expect(rawMessages(namespace, 'u', 'c').map((m) => m.id)).toEqual(['m1']);

    // Now that tab's append and counter arrive, later than the one-second cutoff meant only for cleared storage (a
    // busy machine can hold them back that long); the waiting append must build on them.
    await new Promise((r) => setTimeout(r, 1500));
    const key = rawKey(namespace, 'u', 'c');
    const [header, ...lines] = localStorage.getItem(key)!.split('\n');
    const meta = (JSON.parse(header!) as { meta: Record<string, unknown> }).meta;
    localStorage.setItem(
      key,
      [
        JSON.stringify({ format: 1, meta: { ...meta, messageCount: 2, version: 2 } }),
        ...lines,
        JSON.stringify(text('m2', 'theirs')),
      ].join('\n'),
    );
    localStorage.setItem(`${namespace}:seq`, '000000000000050');
    expect(await pending).toMatchObject({ messageCount: 3, version: 3 });
    expect(rawMessages(namespace, 'u', 'c').map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(localStorage.getItem(`${namespace}:seq`)).toBe('000000000000051');
    release();
  });

  it('goes on after a bounded wait when storage was cleared under a live marker, and numbers past it', async () => {
    localStorage.clear();
    let release!: () => void;
    const marker = new Promise<void>((resolve) => (release = resolve));
    void navigator.locks.request(`${namespace}:seq:000000000000070`, { mode: 'shared' }, () => marker);
    const store = createBrowserStore({ namespace });
    await store.upsert({ id: 'c', userId: 'u', messages: [] });
    expect(Number(localStorage.getItem(`${namespace}:seq`))).toBeGreaterThan(70);
    release();
  });

  it('reports changes another document makes, filtered by namespace, until unsubscribed', async () => {
    localStorage.clear();
    const store = createBrowserStore({ namespace });
    const seen: unknown[] = [];
    const done = new Promise<void>((resolve) => {
      const off = store.subscribe((change) => {
        seen.push(change);
        if (change.type === 'deleted') {
          off();
          resolve();
        }
      });
    });
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const other = frame.contentWindow!.localStorage;
    other.setItem('unrelated', 'x');
    other.setItem(rawKey(namespace, 'user:1', 'c1'), '{}');
    other.removeItem(rawKey(namespace, 'user:1', 'c1'));
    await done;
    frame.remove();
    expect(seen).toEqual([
      { type: 'saved', userId: 'user:1', id: 'c1' },
      { type: 'deleted', userId: 'user:1', id: 'c1' },
    ]);
  });
});
