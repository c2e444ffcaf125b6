import { KIND_PATTERN, type StoreKind } from '@agent-conversations/core';
import { expect } from '../expect.js';
import { conversationMessages, expectCode, mustGet, type Check } from '../check.js';

const SERVER_KINDS: readonly StoreKind[] = ['postgres', 'clickhouse', 'd1', 'durable-object', 'agentstate'];

export const surfaceChecks: Check[] = [
  {
    id: 'surface.kind-persistent',
    concern: 'surface',
    name: 'kind is a backend name (a built-in kind or a third-party one: lowercase letters, digits, dashes); persistent is false for memory and true for server databases, and a persistent store keeps data across instances',
    async run({ store, user, id, peer, hasPeer, weaken }) {
      expect(
        typeof store.kind === 'string' && KIND_PATTERN.test(store.kind) && store.kind !== 'auto',
        `kind ${JSON.stringify(store.kind)} is a backend name`,
      ).toBe(true);
      expect(typeof store.persistent, 'persistent').toBe('boolean');
      if (store.kind === 'memory') expect(store.persistent, 'a memory store is not persistent').toBe(false);
      if (SERVER_KINDS.includes(store.kind)) expect(store.persistent, `a ${store.kind} store is persistent`).toBe(true);
      if (!store.persistent) return;
      if (!hasPeer)
        return weaken(
          'the adapter gives no second instance (createPeerStore), so what outlives an instance is not checked',
        );
      const [u, c] = [user(), id()];
      const messages = conversationMessages(2);
      await store.upsert({ id: c, userId: u, messages });
      await store.close();
      const other = await peer();
      try {
        expect(other.kind, 'a second instance of the same adapter').toBe(store.kind);
        expect(
          (await mustGet(other, u, c)).messages,
          'a persistent store: what one instance wrote before close() is read by another',
        ).toEqual(messages);
      } finally {
        await other.close();
      }
    },
  },
  {
    id: 'surface.close',
    concern: 'surface',
    name: 'close() resolves, may be called twice, and leaves another instance over the same backend working',
    weakenedBy: (o) =>
      o.createPeerStore
        ? null
        : 'the adapter gives no second instance (createPeerStore), so only closing twice is checked',
    async run({ store, user, id, peer, hasPeer }) {
      const other = hasPeer ? await peer() : null;
      try {
        const [u, c] = [user(), id()];
        await (other ?? store).upsert({ id: c, userId: u, messages: [] });
        expect(await store.close(), 'close() resolves to undefined').toBeUndefined();
        expect(await store.close(), 'a second close() resolves too').toBeUndefined();
        if (!other) return;
        await other.append(u, c, conversationMessages(1));
        expect(
          (await mustGet(other, u, c)).messageCount,
          'the other instance still writes and reads after this one closed',
        ).toBe(1);
      } finally {
        await other?.close();
      }
    },
  },
  {
    id: 'surface.list-users',
    concern: 'surface',
    name: 'listUsers, when present, pages every user with conversations once, ascending, and forgets a user whose conversations are all deleted',
    async run({ store, user, id, skip }) {
      const listUsers =
        store.listUsers?.bind(store) ??
        skip('the store has no listUsers (optional: export --all and copy cannot enumerate its users)');
      const base = user();
      const [a, b, gone] = [`${base}-a`, `${base}-b`, `${base}-gone`];
      for (const u of [b, a, gone]) await store.upsert({ id: id(), userId: u, messages: [] });
      await store.upsert({ id: id(), userId: a, messages: [] });
      expect(await store.deleteAll(gone)).toBe(1);
      const all: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 500; page++) {
        const result = await listUsers({ limit: 50, cursor });
        expect(result.items.length, 'a page of listUsers is longer than its limit').toBeLessThanOrEqual(50);
        all.push(...result.items);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      expect(new Set(all).size, 'listUsers gave a user twice').toBe(all.length);
      const ascii = all.filter((u) => /^[\x20-\x7e]*$/.test(u));
      for (let i = 1; i < ascii.length; i++)
        expect(ascii[i - 1]! < ascii[i]!, `listUsers is not ascending: ${ascii[i - 1]} before ${ascii[i]}`).toBe(true);
      expect(
        all.filter((u) => u.startsWith(base)),
        "this check's users",
      ).toEqual([a, b]);
      await expectCode(listUsers({ limit: 0 }), 'VALIDATION');
    },
  },
];
