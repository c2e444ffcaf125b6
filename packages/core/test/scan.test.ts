import { describe, expect, it } from 'vitest';
import { createMemoryStore, prepareMessages, scanInput, scanMessages } from '../src/index.js';

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'no error';
};

const message = (i: number, text = `message ${i}`) => ({
  id: `m${i}`,
  role: i % 2 ? 'assistant' : 'user',
  parts: [{ type: 'text', text }],
});

describe('scanMessages', () => {
  it('refuses exactly what prepareMessages refuses, with the same VALIDATION message', () => {
    const circular: Record<string, unknown> = { id: 'c', role: 'user' };
    circular.self = circular;
    let deep: unknown = 'leaf';
    for (let i = 0; i < 250; i++) deep = [deep];
    const bad: unknown[] = [
      'not a list',
      [null],
      [{ id: '', role: 'user' }],
      [{ id: 'a\u0001', role: 'user' }],
      [{ id: 'a', role: 'r'.repeat(65) }],
      [{ id: 'a', role: 'user', when: new Map() }],
      [message(0), { id: 'b', role: 'tool', data: { rows: [1, 2, Number.NaN] } }],
      [{ id: 'a', role: 'user', list: [1, , 3] }],
      [{ id: 'a', role: 'user', n: 10n }],
      [{ id: 'a', role: 'user', f: () => 1 }],
      [circular],
      [{ id: 'a', role: 'user', deep }],
      [{ id: 'a', role: 'user', content: '€'.repeat(700_000) }],
      [message(0), message(1), message(0)],
    ];
    for (const list of bad) {
      const expected = errorOf(() => prepareMessages(list));
      expect(expected).toMatch(/^VALIDATION: /);
      expect(errorOf(() => scanMessages(list))).toBe(expected);
    }
    // Inside the size bound's slack but within the limit: accepted, as prepareMessages accepts it.
    const fits = [{ id: 'a', role: 'user', content: 'x'.repeat(1_000_000) }];
    expect(errorOf(() => prepareMessages(fits))).toBe('no error');
    expect(scanMessages(fits).digests).toHaveLength(2);
  });

  it('gives equal digests for equal JSON and different ones from the first change on', () => {
    const list = Array.from({ length: 6 }, (_, i) => message(i));
    const a = scanMessages(list).digests;
    // The same JSON through other objects (undefined properties are dropped, -0 is written 0).
    const b = scanMessages(JSON.parse(JSON.stringify(list)).map((m: object) => ({ ...m, gone: undefined }))).digests;
    expect([...b]).toEqual([...a]);
    expect(new Set(a).size).toBe(a.length);
    expect(scanMessages([{ id: 'a', role: 'user', n: -0 }]).digests).toEqual(
      scanMessages([{ id: 'a', role: 'user', n: 0 }]).digests,
    );
    const changed = list.map((m, i) => (i === 3 ? message(3, 'edited') : m));
    const c = scanMessages(changed).digests;
    expect([...c.slice(0, 4)]).toEqual([...a.slice(0, 4)]);
    for (let i = 4; i <= 6; i++) expect(c[i]).not.toBe(a[i]);
    // Values that print alike in other encodings stay apart: "1" vs 1, ["ab"] vs ["a","b"], {a:"b"} vs ["a","b"].
    const one = (extra: Record<string, unknown>) => scanMessages([{ id: 'a', role: 'user', ...extra }]).digests[1];
    const variants = [
      { x: '1' },
      { x: 1 },
      { x: ['ab'] },
      { x: ['a', 'b'] },
      { x: { a: 'b' } },
      { x: null },
      { x: true },
      { x: 'true' },
    ];
    expect(new Set(variants.map(one)).size).toBe(variants.length);
  });

  it('gives the digests stores have already saved (the same values in every runtime and release)', () => {
    const list = [
      { id: 'm0', role: 'user', parts: [{ type: 'text', text: 'Hello, €uro and 😀' }] },
      {
        id: 'm1',
        role: 'assistant',
        metadata: { n: -1.5e-7, big: 1e21, ok: true, none: null },
        parts: [{ type: 'step-start' }, { type: 'text', text: 'odd' }],
      },
    ];
    expect([...scanMessages(list).digests]).toEqual([0, 3633307600830360, 933786842141688]);
  });

  it('extends a stored digest with new messages to the digest of the whole list', () => {
    const list = Array.from({ length: 5 }, (_, i) => message(i));
    const whole = scanMessages(list).digests;
    const head = scanMessages(list.slice(0, 3)).digests;
    expect(scanMessages(list.slice(3), head[3]).digests[2]).toBe(whole[5]);
  });

  it('validates the other upsert fields as prepareInput does', () => {
    expect(errorOf(() => scanInput({ id: 'bad id', userId: 'u', messages: [] }))).toMatch(
      /^VALIDATION: conversation id/,
    );
    expect(scanInput({ id: 'c', userId: 'u', messages: [message(0)], title: ' T ' })).toMatchObject({ title: 'T' });
  });
});

describe('the memory store with digests', () => {
  it('writes only the new messages of an unchanged prefix, rewrites from a changed one, and keeps digests across appends', async () => {
    const store = createMemoryStore();
    const list = Array.from({ length: 4 }, (_, i) => message(i));
    await store.upsert({ id: 'c', userId: 'u', messages: list });
    await store.append('u', 'c', [message(4)]);
    const next = [...list, message(4), message(5)];
    await store.upsert({ id: 'c', userId: 'u', messages: next });
    expect((await store.get('u', 'c'))!.messages).toEqual(next);
    const edited = next.map((m, i) => (i === 1 ? message(1, 'edited') : m));
    await store.upsert({ id: 'c', userId: 'u', messages: edited });
    expect((await store.get('u', 'c'))!.messages).toEqual(edited);
    await store.upsert({ id: 'c', userId: 'u', messages: edited.slice(0, 2) });
    expect((await store.get('u', 'c'))!.messages).toEqual(edited.slice(0, 2));
    // Bad input at the end of an otherwise unchanged list writes nothing.
    await expect(
      store.upsert({
        id: 'c',
        userId: 'u',
        messages: [...edited.slice(0, 2), { id: 'x', role: 'user', n: Number.NaN }],
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await store.get('u', 'c'))!.messages).toEqual(edited.slice(0, 2));
  });
});
