import type { Message } from '@agent-conversations/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserStore } from '../../src/index.js';
import { rawDump, rawMessages, text } from './raw.js';

// An upsert re-checks the messages it already stores only for being plain JSON (see src/upsert-lines.ts): these are the cases
// where that shortcut must still give prepareMessages' answer.
const namespace = 'upsert';

/** A class instance with the same JSON as a stored message: refused like any other non-plain message. */
class Disguised {
  id = 'm1';
  role = 'user';
  parts = [{ type: 'text', text: 'hello' }];
}

describe('upsert over stored messages', () => {
  afterEach(() => localStorage.clear());

  it('keeps an unchanged start and rewrites from a changed earlier message on', async () => {
    const store = createBrowserStore({ namespace });
    const list = [text('m1', 'hello'), text('m2', 'answer', 'assistant')];
    await store.upsert({ id: 'c', userId: 'u', messages: list });
    await store.upsert({ id: 'c', userId: 'u', messages: [...list, text('m3', 'more')] });
    expect(rawMessages(namespace, 'u', 'c')).toEqual([...list, text('m3', 'more')]);
    await store.upsert({
      id: 'c',
      userId: 'u',
      messages: [list[0]!, text('m2', 'edited', 'assistant'), text('m4', 'new')],
    });
    expect(rawMessages(namespace, 'u', 'c')).toEqual([list[0], text('m2', 'edited', 'assistant'), text('m4', 'new')]);
    await store.upsert({ id: 'c', userId: 'u', messages: [list[0]!] });
    expect((await store.get('u', 'c'))?.messages).toEqual([list[0]]);
  });

  it('refuses bad input anywhere in the list as VALIDATION, writing nothing, even where its JSON is the stored message', async () => {
    const store = createBrowserStore({ namespace });
    await store.upsert({ id: 'c', userId: 'u', messages: [text('m1', 'hello'), text('m2', 'answer', 'assistant')] });
    const before = rawDump(namespace);
    const bad: [string, unknown[]][] = [
      ['a class instance', [new Disguised(), text('m2', 'answer', 'assistant')]],
      ['NaN (JSON would store null)', [text('m1', 'hello'), { ...text('m2', 'answer', 'assistant'), score: NaN }]],
      [
        'a function (JSON would drop it)',
        [{ ...text('m1', 'hello'), toString: () => 'x' }, text('m2', 'answer', 'assistant')],
      ],
      ['a message id twice', [text('m1', 'hello'), text('m2', 'answer', 'assistant'), text('m1', 'again')]],
      ['a message without a role', [text('m1', 'hello'), { id: 'm3' }]],
      ['no array', 'nope' as unknown as unknown[]],
    ];
    for (const [what, messages] of bad) {
      await expect(
        store.upsert({ id: 'new', userId: 'u', messages: messages as Message[] }),
        what,
      ).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(store.upsert({ id: 'c', userId: 'u', messages: messages as Message[] }), what).rejects.toMatchObject(
        { code: 'VALIDATION' },
      );
      // VALIDATION comes before a version conflict, as in every store.
      await expect(
        store.upsert({ id: 'c', userId: 'u', messages: messages as Message[] }, { expectedVersion: 7 }),
        what,
      ).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    expect(rawDump(namespace)).toEqual(before);
  });

  it('gives the same VALIDATION message as a store without the shortcut', async () => {
    const store = createBrowserStore({ namespace });
    const memory = createBrowserStore({ namespace: 'upsert-empty' });
    await store.upsert({ id: 'c', userId: 'u', messages: [text('m1', 'hello')] });
    const messages = [{ ...text('m1', 'hello'), extra: undefined, bad: Infinity }] as unknown as Message[];
    const message = (p: Promise<unknown>): Promise<unknown> =>
      p.then(
        () => 'resolved',
        (e: Error) => e.message,
      );
    expect(await message(store.upsert({ id: 'c', userId: 'u', messages }))).toBe(
      await message(memory.upsert({ id: 'c', userId: 'u', messages })),
    );
    expect(await message(store.upsert({ id: 'c', userId: 'u', messages }))).toContain('messages[0].bad is Infinity');
  });
});
