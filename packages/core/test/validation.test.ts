import { describe, expect, it } from 'vitest';
import {
  addUsage,
  decodeCursor,
  defaultTitle,
  encodeCursor,
  fingerprint,
  firstChangedIndex,
  parseListOptions,
  prepareInput,
  prepareMessages,
  preparePatch,
  utf8Length,
} from '../src/index.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('validation', () => {
  it('returns detached copies and exact JSON of messages', () => {
    const input = [{ id: 'a', role: 'user', parts: [{ type: 'text', text: 'hi\u0000' }], skip: undefined }];
    const [prepared] = prepareMessages(input);
    expect(prepared!.json).toBe('{"id":"a","role":"user","parts":[{"type":"text","text":"hi\\u0000"}]}');
    input[0]!.parts[0]!.text = 'changed';
    expect((prepared!.message.parts as { text: string }[])[0]!.text).toBe('hi\u0000');
  });

  it('rejects class instances, Maps and sparse values as VALIDATION with the path', () => {
    expect(() => prepareMessages([{ id: 'a', role: 'user', when: new Map() }])).toThrow(
      /messages\[0\]\.when is a Map object/,
    );
    expect(code(() => prepareMessages([{ id: 'a', role: 'user', x: Symbol('s') }]))).toBe('VALIDATION');
    const nested = {
      id: 'b',
      role: 'tool',
      parts: [
        { type: 'text', text: 'ok' },
        { type: 'data', data: { rows: [1, 2, Number.NaN] } },
      ],
    };
    expect(() => prepareMessages([{ id: 'a', role: 'user' }, nested])).toThrow(
      /messages\[1\]\.parts\[1\]\.data\.rows\[2\] is NaN/,
    );
    expect(() => prepareMessages([{ id: 'a', role: 'user', list: [1, undefined] }])).toThrow(
      /messages\[0\]\.list\[1\] is undefined/,
    );
    // A hole would come back as null: refused like undefined.
    expect(() => prepareMessages([{ id: 'a', role: 'user', list: [1, , 3] }])).toThrow(
      /messages\[0\]\.list\[1\] is undefined/,
    );
    expect(prepareMessages([{ id: 'a', role: 'user', gone: undefined, list: [{ x: undefined }] }])[0]!.json).toBe(
      '{"id":"a","role":"user","list":[{}]}',
    );
    const shared = { same: true };
    expect(prepareMessages([{ id: 'a', role: 'user', a: shared, b: [shared] }])[0]!.json).toContain(
      '"b":[{"same":true}]',
    );
    let deep: unknown = 'leaf';
    for (let i = 0; i < 250; i++) deep = [deep];
    expect(() => prepareMessages([{ id: 'a', role: 'user', deep }])).toThrow(/nests deeper than 200 levels/);
  });

  it('counts a message in UTF-8 bytes against the 1.9 MB limit, at the edge too', () => {
    const sized = (text: string) => ({ id: 'a', role: 'user', content: text });
    const overhead = JSON.stringify(sized('')).length;
    // "é" is one UTF-16 unit but two UTF-8 bytes: exactly at the limit passes, one byte more fails.
    const fill = 'é'.repeat(Math.floor((1_900_000 - overhead) / 2)) + ((1_900_000 - overhead) % 2 ? 'x' : '');
    expect(prepareMessages([sized(fill)])).toHaveLength(1);
    expect(() => prepareMessages([sized(`${fill}x`)])).toThrow(/1900001 bytes as JSON; the limit is 1900000/);
    expect(() => prepareMessages([sized('€'.repeat(700_000))])).toThrow(/bytes as JSON; the limit is 1900000/);
  });

  it('accepts an upsert input and normalises the title', () => {
    const input = prepareInput({ id: 'c-1', userId: 'user@example.com', messages: [], title: '  Hi  ' });
    expect(input.title).toBe('Hi');
    expect(code(() => prepareInput({ id: 'c 1', userId: 'u', messages: [] }))).toBe('VALIDATION');
    expect(code(() => prepareInput(null))).toBe('VALIDATION');
  });

  it('patch needs a known field', () => {
    expect(preparePatch({ title: 'x', metadata: { a: 1 } })).toEqual({ title: 'x', metadata: { a: 1 } });
    expect(code(() => preparePatch({ version: 3 }))).toBe('VALIDATION');
  });
});

describe('helpers adapters share', () => {
  it('derives a title from AI SDK parts or content, collapsing whitespace, 100 chars max, emoji-safe', () => {
    expect(defaultTitle([{ id: '1', role: 'user', content: '  hi\n there ' }])).toBe('hi there');
    expect(defaultTitle([{ id: '1', role: 'user', parts: [{ type: 'file' }, { type: 'text', text: 'look' }] }])).toBe(
      'look',
    );
    expect(Array.from(defaultTitle([{ id: '1', role: 'user', content: '😀'.repeat(150) }]))).toHaveLength(100);
    expect(defaultTitle([{ id: '1', role: 'user', parts: [{ type: 'file' }] }])).toBe('New Conversation');
  });

  it('adds usage deltas field by field', () => {
    expect(addUsage({ inputTokens: 1 }, { inputTokens: 2, costUsd: 0.1 })).toEqual({ inputTokens: 3, costUsd: 0.1 });
    expect(addUsage(undefined, undefined)).toBeUndefined();
  });

  it('finds the first changed message by id and content', () => {
    const [a, b, b2] = prepareMessages([
      { id: 'a', role: 'user' },
      { id: 'b', role: 'assistant', t: 1 },
      { id: 'c', role: 'user' },
    ]);
    expect(firstChangedIndex([a!.json, b!.json], [a!, b!, b2!])).toBe(2);
    const [changed] = prepareMessages([{ id: 'b', role: 'assistant', t: 2 }]);
    expect(firstChangedIndex([a!.json, b!.json], [a!, changed!])).toBe(1);
    expect(firstChangedIndex([a!.json, b!.json], [a!])).toBe(1);
  });

  it('round-trips cursors and rejects foreign ones', () => {
    const cursor = encodeCursor({ updatedAt: 1_700_000_000_123, id: 'conv:1@x' });
    expect(decodeCursor(cursor)).toEqual({ updatedAt: 1_700_000_000_123, id: 'conv:1@x' });
    expect(parseListOptions({ cursor, limit: 10 })).toEqual({
      limit: 10,
      after: { updatedAt: 1_700_000_000_123, id: 'conv:1@x' },
      updatedAfter: null,
    });
    expect(code(() => decodeCursor('eyJ4IjoxfQ'))).toBe('VALIDATION');
    expect(code(() => parseListOptions({ limit: 500 }))).toBe('VALIDATION');
  });

  it('measures UTF-8 bytes and fingerprints deterministically', () => {
    expect(utf8Length('aé€😀\ud800')).toBe(1 + 2 + 3 + 4 + 3);
    expect(fingerprint('hello')).toBe(fingerprint('hello'));
    expect(fingerprint('hello')).not.toBe(fingerprint('hellp'));
    expect(fingerprint('x')).toMatch(/^[0-9a-f]{14}$/);
  });
});

describe('memory store extras', () => {
  it('lists the users that have conversations, ascending, in pages', async () => {
    const { createMemoryStore } = await import('../src/index.js');
    const store = createMemoryStore();
    for (const user of ['carol', 'alice', 'bob']) await store.upsert({ id: 'c1', userId: user, messages: [] });
    await store.deleteAll('bob');
    const first = await store.listUsers!({ limit: 1 });
    expect(first).toEqual({ items: ['alice'], nextCursor: 'alice' });
    expect(await store.listUsers!({ cursor: first.nextCursor! })).toEqual({ items: ['carol'], nextCursor: null });
  });
});

describe('titles and labels are display text', () => {
  it('derives titles without control characters or lone surrogates', () => {
    expect(defaultTitle([{ id: '1', role: 'user', content: 'nul \u0000 lone \ud800 emoji 😀 end\u0007' }])).toBe(
      'nul lone \ufffd emoji 😀 end',
    );
  });

  it('refuses given titles, models and providers with control characters or lone surrogates', () => {
    expect(code(() => preparePatch({ title: 'a\u0000b' }))).toBe('VALIDATION');
    expect(code(() => preparePatch({ title: 'lone \udc00' }))).toBe('VALIDATION');
    expect(code(() => preparePatch({ model: 'm\u0000' }))).toBe('VALIDATION');
    expect(code(() => prepareInput({ id: 'c', userId: 'u', messages: [], provider: '\ud800p' }))).toBe('VALIDATION');
    expect(preparePatch({ title: 'Emoji 😀 and ünïcode' })).toEqual({ title: 'Emoji 😀 and ünïcode' });
  });
});

describe('user ids for UTF-8 stores', () => {
  it('refuses lone surrogates and keeps everything else assertUserId accepts', async () => {
    const { assertUtf8UserId } = await import('../src/index.js');
    expect(() => assertUtf8UserId('alice 😀 ü', 'ClickHouse')).not.toThrow();
    expect(() => assertUtf8UserId('bob\ud800', 'ClickHouse')).toThrow(
      'userId must not contain lone surrogates: ClickHouse stores it as UTF-8',
    );
    expect(code(() => assertUtf8UserId('bob\udc00x', 'D1'))).toBe('VALIDATION');
    expect(code(() => assertUtf8UserId('', 'D1'))).toBe('VALIDATION');
  });
});
