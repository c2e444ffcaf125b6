import type { ConversationStore } from '@agent-conversations/core';
import { expect } from '../expect.js';
import { conversationMessages, expectCode, snapshot, userMessage, type Check } from '../check.js';

type Bad = [label: string, call: (store: ConversationStore, u: string, c: string) => Promise<unknown>];

const badWrites: Bad[] = [
  ['message without id', (s, u, c) => s.upsert({ id: c, userId: u, messages: [{ role: 'user' } as never] })],
  ['message with empty role', (s, u, c) => s.upsert({ id: c, userId: u, messages: [{ id: 'x', role: '' }] })],
  [
    'duplicate message ids',
    (s, u, c) => s.upsert({ id: c, userId: u, messages: [userMessage('a', 'same'), userMessage('b', 'same')] }),
  ],
  ['messages not an array', (s, u, c) => s.upsert({ id: c, userId: u, messages: 'hello' as never })],
  [
    'NaN in a message',
    (s, u, c) => s.upsert({ id: c, userId: u, messages: [{ id: 'n', role: 'user', value: Number.NaN }] }),
  ],
  ['Infinity in a message', (s, u, c) => s.append(u, c, [{ id: 'i', role: 'user', value: Number.POSITIVE_INFINITY }])],
  ['a Date object', (s, u, c) => s.append(u, c, [{ id: 'd', role: 'user', at: new Date() }])],
  ['a function', (s, u, c) => s.append(u, c, [{ id: 'f', role: 'user', fn: () => 1 }])],
  ['undefined inside an array', (s, u, c) => s.append(u, c, [{ id: 'u', role: 'user', list: [1, undefined] }])],
  ['a bigint', (s, u, c) => s.append(u, c, [{ id: 'b', role: 'user', big: BigInt(1) }])],
  [
    'a circular reference',
    (s, u, c) => {
      const m: Record<string, unknown> = { id: 'c', role: 'user' };
      m.self = m;
      return s.append(u, c, [m as never]);
    },
  ],
  ['a message over the size limit', (s, u, c) => s.append(u, c, [userMessage('x'.repeat(2_000_000))])],
  ['an empty append', (s, u, c) => s.append(u, c, [])],
  ['a negative usage delta', (s, u, c) => s.append(u, c, [userMessage('ok')], { usage: { inputTokens: -1 } })],
  ['an unknown usage field', (s, u, c) => s.append(u, c, [userMessage('ok')], { usage: { tokens: 1 } as never })],
  ['metadata that is an array', (s, u, c) => s.update(u, c, { metadata: [1, 2] as never })],
  ['an empty title', (s, u, c) => s.update(u, c, { title: '   ' })],
  ['a title with a control character', (s, u, c) => s.update(u, c, { title: 'bell\u0007' })],
  ['a model with a lone surrogate', (s, u, c) => s.update(u, c, { model: 'gpt\ud800' })],
  ['an unknown patch field', (s, u, c) => s.update(u, c, { messages: [] } as never)],
  ['an empty patch', (s, u, c) => s.update(u, c, {})],
  ['a negative expectedVersion', (s, u, c) => s.append(u, c, [userMessage('ok')], { expectedVersion: -1 })],
  ['a non-integer createdAt', (s, u, c) => s.upsert({ id: c, userId: u, messages: [], createdAt: 1.5 })],
];

const badIds: Bad[] = [
  ['an empty userId', (s, _u, c) => s.get('', c)],
  ['a non-string userId', (s) => s.list(42 as never)],
  ['a userId with a control character', (s, _u, c) => s.delete('bob\u0000', c)],
  ['an overlong userId', (s) => s.deleteAll('u'.repeat(300))],
  ['an empty conversation id', (s, u) => s.get(u, '')],
  ['a conversation id with a slash', (s, u) => s.get(u, '../other')],
  ['a conversation id with spaces', (s, u) => s.update(u, 'a b', { title: 'x' })],
  ['an overlong conversation id', (s, u) => s.delete(u, 'c'.repeat(129))],
  ['upsert without userId', (s, _u, c) => s.upsert({ id: c, messages: [] } as never)],
];

export const validationChecks: Check[] = [
  {
    id: 'validation.bad-writes',
    storage: true,
    concern: 'validation',
    name: 'bad writes are VALIDATION errors and change nothing',
    async run({ store, user, id, inspect }) {
      const [u, c] = [user(), id()];
      const messages = conversationMessages(2);
      await store.upsert({ id: c, userId: u, messages, metadata: { keep: true } });
      const before = await snapshot(store, u, c);
      for (const [label, call] of badWrites) {
        const error = await expectCode(call(store, u, c), 'VALIDATION').catch((e: Error) => {
          throw new Error(`${label}: ${e.message}`);
        });
        expect(error.message.length, label).toBeGreaterThan(10);
        expect(await snapshot(store, u, c), `${label} changed the conversation`).toBe(before);
      }
      if (inspect) expect((await inspect.messages(u, c)).length).toBe(2);
    },
  },
  {
    id: 'validation.bad-ids',
    concern: 'validation',
    name: 'bad user and conversation ids are VALIDATION errors',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      for (const [label, call] of badIds) {
        await expectCode(call(store, u, c), 'VALIDATION').catch((e: Error) => {
          throw new Error(`${label}: ${e.message}`);
        });
      }
      expect(await store.list(u)).toEqual({ items: [], nextCursor: null });
    },
  },
];
