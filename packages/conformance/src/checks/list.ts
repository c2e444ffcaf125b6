import type { ConversationMeta, ConversationStore } from '@agent-conversations/core';
import { expect } from '../expect.js';
import { expectCode, tick, userMessage, type Check } from '../check.js';

async function createMany(store: ConversationStore, userId: string, ids: string[]): Promise<ConversationMeta[]> {
  const out: ConversationMeta[] = [];
  for (const id of ids) out.push(await store.upsert({ id, userId, messages: [userMessage(`about ${id}`)] }));
  return out;
}

function expectListOrder(items: readonly ConversationMeta[]): void {
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1]!, items[i]!];
    const ordered = a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.id > b.id);
    expect(ordered, `list order broken at ${i}: ${a.id}@${a.updatedAt} before ${b.id}@${b.updatedAt}`).toBe(true);
  }
}

export const listChecks: Check[] = [
  {
    id: 'list.order',
    concern: 'list',
    name: 'lists newest first (updatedAt desc, then id desc) without messages',
    async run({ store, user, id }) {
      const u = user();
      const ids = Array.from({ length: 6 }, () => id());
      await createMany(store, u, ids);
      await tick();
      await store.append(u, ids[0]!, [userMessage('bump')]);
      const { items, nextCursor } = await store.list(u);
      expect(items.map((m) => m.id).sort()).toEqual([...ids].sort());
      expect(items[0]!.id).toBe(ids[0]);
      expectListOrder(items);
      expect(nextCursor).toBeNull();
      expect(items[0]).not.toHaveProperty('messages');
      expect(items[0]).toMatchObject({ userId: u, messageCount: 2, version: 2 });
    },
  },
  {
    id: 'list.limit',
    concern: 'list',
    name: 'limit pages the list and the default page is 50',
    async run({ store, user, id }) {
      const u = user();
      await createMany(
        store,
        u,
        Array.from({ length: 53 }, () => id()),
      );
      const first = await store.list(u);
      expect(first.items).toHaveLength(50);
      expect(first.nextCursor).not.toBeNull();
      const rest = await store.list(u, { cursor: first.nextCursor! });
      expect(rest.items).toHaveLength(3);
      expect(rest.nextCursor).toBeNull();
      const small = await store.list(u, { limit: 5 });
      expect(small.items).toHaveLength(5);
      expect(small.items).toEqual(first.items.slice(0, 5));
    },
  },
  {
    id: 'list.cursor-under-writes',
    concern: 'list',
    name: 'the keyset cursor gives no duplicates and no gaps while writes happen between pages',
    async run({ store, user, id }) {
      const u = user();
      const ids = Array.from({ length: 23 }, () => id());
      await createMany(store, u, ids);
      const seen: string[] = [];
      const touched = new Set<string>();
      let cursor: string | undefined;
      let page = 0;
      do {
        const result = await store.list(u, { limit: 5, cursor });
        expectListOrder(result.items);
        seen.push(...result.items.map((m) => m.id));
        cursor = result.nextCursor ?? undefined;
        page += 1;
        // Writes between pages: bump an item already seen and add a brand-new conversation.
        const seenId = result.items[0]?.id;
        if (seenId) {
          await tick();
          await store.append(u, seenId, [userMessage(`bump ${page}`)]);
          touched.add(seenId);
        }
        await store.upsert({ id: id(), userId: u, messages: [] });
      } while (cursor && page < 20);
      expect(new Set(seen).size, 'a conversation appeared twice').toBe(seen.length);
      for (const original of ids) expect(seen, `conversation ${original} was skipped`).toContain(original);
    },
  },
  {
    id: 'list.updated-after',
    concern: 'list',
    name: 'updatedAfter returns only conversations written strictly after it',
    async run({ store, user, id }) {
      const u = user();
      const [a, b, c] = [id(), id(), id()];
      await createMany(store, u, [a, b]);
      const cutoff = (await store.list(u)).items[0]!.updatedAt;
      await tick(5);
      await createMany(store, u, [c]);
      await store.append(u, a, [userMessage('later')]);
      const { items } = await store.list(u, { updatedAfter: cutoff });
      expect(items.map((m) => m.id).sort()).toEqual([a, c].sort());
      const paged = await store.list(u, { updatedAfter: cutoff, limit: 1 });
      expect(paged.items).toHaveLength(1);
      const next = await store.list(u, { updatedAfter: cutoff, limit: 1, cursor: paged.nextCursor! });
      expect(next.items.map((m) => m.id)).toEqual(items.slice(1).map((m) => m.id));
      expect(next.nextCursor).toBeNull();
    },
  },
  {
    id: 'list.items-match-get',
    concern: 'list',
    name: 'list items equal what get returns, without the messages',
    async run({ store, user, id }) {
      const u = user();
      const [a, b] = [id(), id()];
      await store.upsert({
        id: a,
        userId: u,
        messages: [userMessage('one')],
        metadata: { k: [1] },
        model: 'm',
        provider: 'p',
        usage: { inputTokens: 2 },
      });
      await store.upsert({ id: b, userId: u, messages: [] });
      await store.append(u, a, [userMessage('two')], { usage: { outputTokens: 3 } });
      await store.update(u, b, { title: 'Renamed' });
      const { items } = await store.list(u);
      for (const item of items) {
        const { messages: _messages, ...meta } = (await store.get(u, item.id))!;
        expect(item).toEqual(meta);
      }
    },
  },
  {
    id: 'list.empty',
    concern: 'list',
    name: 'a user with no conversations gets an empty page',
    async run({ store, user }) {
      expect(await store.list(user())).toEqual({ items: [], nextCursor: null });
    },
  },
  {
    id: 'list.bad-options',
    concern: 'list',
    name: 'a malformed cursor or limit is VALIDATION',
    async run({ store, user }) {
      const u = user();
      await expectCode(store.list(u, { cursor: 'not-a-cursor' }), 'VALIDATION');
      await expectCode(store.list(u, { limit: 0 }), 'VALIDATION');
      await expectCode(store.list(u, { limit: 201 }), 'VALIDATION');
      await expectCode(store.list(u, { limit: 1.5 }), 'VALIDATION');
    },
  },
];
