import type { ConversationStore } from '@agent-conversations/core';
import { expect } from '../expect.js';
import { conversationMessages, expectCode, show, snapshot, userMessage, type Check } from '../check.js';

type Call = [method: string, call: (store: ConversationStore, bad: string) => Promise<unknown>];

const BAD_USER_IDS: unknown[] = ['', 42, undefined, null, 'bob\u0000', 'tab\there', 'u'.repeat(257)];
const BAD_CONVERSATION_IDS: unknown[] = [
  '',
  42,
  undefined,
  '../other',
  'a b',
  'slash/inside',
  'c'.repeat(129),
  'nul\u0000',
];

async function refusesEverywhere(
  store: ConversationStore,
  bads: unknown[],
  calls: (target: string) => Call[],
  label: string,
): Promise<void> {
  for (const bad of bads) {
    for (const [method, call] of calls(label)) {
      await expectCode(call(store, bad as string), 'VALIDATION').catch((error: Error) => {
        throw new Error(`${method} with ${label} ${show(bad)}: ${error.message}`);
      });
    }
  }
}

export const idChecks: Check[] = [
  {
    id: 'ids.user-ids',
    concern: 'ids',
    name: 'every method refuses a bad user id with VALIDATION before any lookup (even for a missing conversation) and changes nothing',
    async run({ store, user, id }) {
      const [u, c, missing] = [user(), id(), id()];
      await store.upsert({ id: c, userId: u, messages: conversationMessages(2) });
      const before = await snapshot(store, u, c);
      const calls = (): Call[] => [
        ['list', (s, bad) => s.list(bad)],
        ['get', (s, bad) => s.get(bad, c)],
        ['upsert (new)', (s, bad) => s.upsert({ id: missing, userId: bad, messages: [userMessage('hi')] })],
        ['upsert (existing id)', (s, bad) => s.upsert({ id: c, userId: bad, messages: [] })],
        ['append', (s, bad) => s.append(bad, c, [userMessage('hi')])],
        ['append (missing)', (s, bad) => s.append(bad, missing, [userMessage('hi')])],
        ['update', (s, bad) => s.update(bad, c, { title: 'x' })],
        ['update (missing)', (s, bad) => s.update(bad, missing, { title: 'x' })],
        ['delete', (s, bad) => s.delete(bad, c)],
        ['delete (missing)', (s, bad) => s.delete(bad, missing)],
        ['deleteAll', (s, bad) => s.deleteAll(bad)],
      ];
      await refusesEverywhere(store, BAD_USER_IDS, calls, 'user id');
      expect(await snapshot(store, u, c), 'a call with a bad user id changed the conversation').toBe(before);
      expect(await store.get(u, missing), 'a call with a bad user id created a conversation').toBeNull();
    },
  },
  {
    id: 'ids.conversation-ids',
    concern: 'ids',
    name: 'every method refuses a bad conversation id with VALIDATION before any lookup and changes nothing',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      await store.upsert({ id: c, userId: u, messages: conversationMessages(1) });
      const before = await snapshot(store, u, c);
      const calls = (): Call[] => [
        ['get', (s, bad) => s.get(u, bad)],
        ['upsert', (s, bad) => s.upsert({ id: bad, userId: u, messages: [userMessage('hi')] })],
        [
          'upsert with expectedVersion 0',
          (s, bad) => s.upsert({ id: bad, userId: u, messages: [] }, { expectedVersion: 0 }),
        ],
        ['append', (s, bad) => s.append(u, bad, [userMessage('hi')])],
        ['update', (s, bad) => s.update(u, bad, { title: 'x' })],
        ['delete', (s, bad) => s.delete(u, bad)],
      ];
      await refusesEverywhere(store, BAD_CONVERSATION_IDS, calls, 'conversation id');
      expect(await snapshot(store, u, c), 'a call with a bad conversation id changed the conversation').toBe(before);
      const { items } = await store.list(u);
      expect(
        items.map((m) => m.id),
        'a call with a bad conversation id created a conversation',
      ).toEqual([c]);
    },
  },
];
