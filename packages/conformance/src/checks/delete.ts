import { expect } from '../expect.js';
import { conversationMessages, expectSameMessages, mustGet, type Check } from '../check.js';

export const deleteChecks: Check[] = [
  {
    id: 'delete.delete',
    storage: true,
    concern: 'delete',
    name: 'delete removes the conversation and its messages; a second delete returns false',
    async run({ store, user, id, inspect }) {
      const [u, c, keep] = [user(), id(), id()];
      await store.upsert({ id: c, userId: u, messages: conversationMessages(3) });
      await store.upsert({ id: keep, userId: u, messages: conversationMessages(1) });
      expect(await store.delete(u, c)).toBe(true);
      expect(await store.get(u, c)).toBeNull();
      expect(await store.delete(u, c)).toBe(false);
      expect((await store.list(u)).items.map((m) => m.id)).toEqual([keep]);
      if (inspect) {
        expect(await inspect.exists(u, c)).toBe(false);
        expect(await inspect.messages(u, c)).toEqual([]);
      }
    },
  },
  {
    id: 'delete.recreate',
    storage: true,
    concern: 'delete',
    name: 'delete then recreate with the same id never brings old messages back',
    async run({ store, user, id, inspect }) {
      const [u, c] = [user(), id()];
      const old = conversationMessages(4, 'old');
      await store.upsert({
        id: c,
        userId: u,
        messages: old,
        title: 'Old',
        metadata: { old: true },
        usage: { inputTokens: 9 },
      });
      await store.append(u, c, conversationMessages(2, 'older'));
      expect(await store.delete(u, c)).toBe(true);
      const fresh = conversationMessages(1, 'new');
      const meta = await store.upsert({ id: c, userId: u, messages: fresh });
      expect(meta).toMatchObject({ version: 1, messageCount: 1, title: 'new 0' });
      expect(meta.metadata).toBeUndefined();
      expect(meta.usage).toBeUndefined();
      const got = await mustGet(store, u, c);
      expectSameMessages(got.messages, fresh);
      // Re-using an old message id after recreate is allowed: the old message is gone.
      const reused = { ...old[1]! };
      await store.append(u, c, [reused]);
      expectSameMessages((await mustGet(store, u, c)).messages, [...fresh, reused]);
      if (inspect) expectSameMessages(await inspect.messages(u, c), [...fresh, reused]);
    },
  },
  {
    id: 'delete.delete-all',
    concern: 'delete',
    name: "deleteAll removes every conversation of the user and no other user's",
    async run({ store, user, id }) {
      const [u, other] = [user(), user()];
      for (let i = 0; i < 4; i++) await store.upsert({ id: id(), userId: u, messages: conversationMessages(2) });
      const kept = id();
      await store.upsert({ id: kept, userId: other, messages: conversationMessages(1) });
      expect(await store.deleteAll(u)).toBe(4);
      expect(await store.list(u)).toEqual({ items: [], nextCursor: null });
      expect(await store.deleteAll(u)).toBe(0);
      expect((await mustGet(store, other, kept)).messageCount).toBe(1);
    },
  },
];
