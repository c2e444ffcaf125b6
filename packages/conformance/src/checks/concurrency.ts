import type { ConversationStore, Message } from '@agent-conversations/core';
import { expect } from '../expect.js';
import { CONCURRENCY_FLOOR, DEFAULT_CAPABILITIES, mustGet, randomId, userMessage, type Check } from '../check.js';

function expectEachOnce(stored: readonly Message[], expected: readonly Message[]): void {
  const ids = stored.map((m) => m.id);
  expect(new Set(ids).size, 'a message was stored twice').toBe(ids.length);
  expect([...ids].sort()).toEqual(expected.map((m) => m.id).sort());
  const byId = new Map(stored.map((m) => [m.id, JSON.stringify(m)]));
  for (const m of expected) expect(byId.get(m.id)).toBe(JSON.stringify(m));
}

async function appendConcurrently(
  stores: ConversationStore[],
  userId: string,
  id: string,
  n: number,
): Promise<Message[]> {
  const messages = Array.from({ length: n }, (_, i) => userMessage(`writer ${i}`, `w${i}-${randomId('m')}`));
  await Promise.all(
    messages.map((m, i) =>
      stores[i % stores.length]!.append(userId, id, [m], { usage: { inputTokens: 1, costUsd: 0.5 } }),
    ),
  );
  return messages;
}

export const concurrencyChecks: Check[] = [
  {
    id: 'concurrency.append-race',
    storage: true,
    concern: 'concurrency',
    name: 'concurrent appends all land exactly once, with every usage delta counted',
    weakenedBy: (_o, caps) =>
      caps.concurrency < DEFAULT_CAPABILITIES.concurrency
        ? `the adapter lowers concurrency to ${caps.concurrency} writers (default ${DEFAULT_CAPABILITIES.concurrency})`
        : null,
    async run({ store, user, id, capabilities, inspect }) {
      const n = capabilities.concurrency;
      expect(
        Number.isInteger(n) && n >= CONCURRENCY_FLOOR,
        `capabilities.concurrency must be an integer of at least ${CONCURRENCY_FLOOR} (the suite's floor)`,
      ).toBe(true);
      const [u, c] = [user(), id()];
      await store.upsert({ id: c, userId: u, messages: [userMessage('start', 'start')], usage: { inputTokens: 1000 } });
      const messages = await appendConcurrently([store], u, c, n);
      const got = await mustGet(store, u, c);
      expect(got.messageCount).toBe(n + 1);
      expect(got.messages[0]!.id).toBe('start');
      expectEachOnce(got.messages.slice(1), messages);
      expect(got.usage).toEqual({ inputTokens: 1000 + n, costUsd: 0.5 * n });
      expect(got.version).toBe(n + 1);
      if (inspect) expectEachOnce((await inspect.messages(u, c)).slice(1), messages);
    },
  },
  {
    id: 'concurrency.two-instance-race',
    concern: 'concurrency',
    name: 'concurrent appends from two store instances over one backend all land',
    skipUnless: (options) =>
      options.createPeerStore ? null : 'the adapter gives no second instance (createPeerStore)',
    async run({ store, peer, user, id }) {
      const [u, c] = [user(), id()];
      const other = await peer();
      try {
        await store.upsert({ id: c, userId: u, messages: [] });
        expect(
          await other.get(u, c),
          'createPeerStore must open a second instance over the same backend, but it does not see what the first wrote',
        ).not.toBeNull();
        const messages = await appendConcurrently([store, other], u, c, 40);
        for (const s of [store, other]) {
          const got = await mustGet(s, u, c);
          expectEachOnce(got.messages, messages);
          expect(got.usage).toEqual({ inputTokens: 40, costUsd: 20 });
        }
      } finally {
        await other.close();
      }
    },
  },
  {
    id: 'concurrency.independent-conversations',
    concern: 'concurrency',
    name: 'concurrent writes to different conversations of one user do not interfere',
    async run({ store, user, id }) {
      const u = user();
      const ids = Array.from({ length: 10 }, () => id());
      await Promise.all(ids.map((c) => store.upsert({ id: c, userId: u, messages: [userMessage(`first ${c}`)] })));
      await Promise.all(ids.map((c) => store.append(u, c, [userMessage(`second ${c}`)])));
      const { items } = await store.list(u);
      expect(items.map((m) => m.id).sort()).toEqual([...ids].sort());
      for (const item of items) expect(item.messageCount).toBe(2);
    },
  },
  {
    id: 'concurrency.expected-version-race',
    concern: 'concurrency',
    name: 'of two writers with the same expectedVersion exactly one wins',
    skipUnless: (_o, caps) =>
      caps.atomicExpectedVersion
        ? null
        : 'the adapter declares atomicExpectedVersion: false (no compare-and-set in the backend)',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const meta = await store.upsert({ id: c, userId: u, messages: [] });
      const results = await Promise.allSettled([
        store.update(u, c, { title: 'first writer' }, { expectedVersion: meta.version }),
        store.update(u, c, { title: 'second writer' }, { expectedVersion: meta.version }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won, 'exactly one writer must win').toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((lost.reason as { code?: string }).code).toBe('CONFLICT');
      expect((await mustGet(store, u, c)).version).toBe(meta.version + 1);
    },
  },
  {
    id: 'concurrency.create-race',
    concern: 'concurrency',
    name: 'of two creators with expectedVersion 0 exactly one wins',
    skipUnless: (_o, caps) =>
      caps.atomicExpectedVersion
        ? null
        : 'the adapter declares atomicExpectedVersion: false (no compare-and-set in the backend)',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const results = await Promise.allSettled([
        store.upsert(
          { id: c, userId: u, messages: [userMessage('from the first creator', 'first')] },
          { expectedVersion: 0 },
        ),
        store.upsert(
          { id: c, userId: u, messages: [userMessage('from the second creator', 'second')] },
          { expectedVersion: 0 },
        ),
      ]);
      expect(
        results.filter((r) => r.status === 'fulfilled'),
        'exactly one creator must win',
      ).toHaveLength(1);
      expect(
        ((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as { code?: string }).code,
      ).toBe('CONFLICT');
      const got = await mustGet(store, u, c);
      expect(got).toMatchObject({ version: 1, messageCount: 1 });
      expect(['first', 'second']).toContain(got.messages[0]!.id);
    },
  },
];
