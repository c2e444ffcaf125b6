import { expect } from '../expect.js';
import {
  conversationMessages,
  expectCode,
  expectSameMessages,
  mustGet,
  snapshot,
  userMessage,
  type Check,
} from '../check.js';

export const isolationChecks: Check[] = [
  {
    id: 'isolation.other-user',
    storage: true,
    concern: 'isolation',
    name: "user B with user A's conversation id sees nothing and changes nothing, on every method",
    async run({ store, user, id, inspect }) {
      const [a, b, c] = [user(), user(), id()];
      const messages = conversationMessages(3);
      await store.upsert({ id: c, userId: a, messages, title: 'A private', metadata: { secret: 'a' } });
      const before = await snapshot(store, a, c);

      expect(await store.get(b, c)).toBeNull();
      expect(await store.list(b)).toEqual({ items: [], nextCursor: null });
      await expectCode(store.append(b, c, [userMessage('intrusion')], { usage: { inputTokens: 1 } }), 'NOT_FOUND');
      await expectCode(store.update(b, c, { title: 'hijacked' }), 'NOT_FOUND');
      expect(await store.delete(b, c)).toBe(false);
      expect(await store.deleteAll(b)).toBe(0);

      expect(await snapshot(store, a, c)).toBe(before);
      if (inspect) {
        expectSameMessages(await inspect.messages(a, c), messages);
        expect(await inspect.exists(b, c)).toBe(false);
      }
    },
  },
  {
    id: 'isolation.same-id-other-user',
    concern: 'isolation',
    name: "upsert by user B with A's id creates B's own conversation and leaves A's alone",
    async run({ store, user, id }) {
      const [a, b, c] = [user(), user(), id()];
      const messagesA = conversationMessages(2, 'a');
      await store.upsert({ id: c, userId: a, messages: messagesA, title: 'A' });
      const before = await snapshot(store, a, c);
      const messagesB = conversationMessages(1, 'b');
      const metaB = await store.upsert({ id: c, userId: b, messages: messagesB });
      expect(metaB).toMatchObject({ userId: b, version: 1, messageCount: 1 });
      expect(await snapshot(store, a, c)).toBe(before);
      expectSameMessages((await mustGet(store, b, c)).messages, messagesB);
      expect((await store.list(a)).items.map((m) => m.userId)).toEqual([a]);
      expect((await store.list(b)).items.map((m) => m.userId)).toEqual([b]);
      expect(await store.deleteAll(b)).toBe(1);
      expect(await snapshot(store, a, c)).toBe(before);
    },
  },
  {
    id: 'isolation.lone-surrogate-user-ids',
    concern: 'isolation',
    name: 'user ids that differ only by a lone surrogate are different users, or both are rejected',
    async run({ store, user, id }) {
      const base = user();
      const [a, b, c] = [`${base}\ud800`, `${base}\ud801`, id()];
      let rejected = false;
      try {
        await store.upsert({ id: c, userId: a, messages: conversationMessages(1, 'a') });
      } catch (error) {
        if ((error as { code?: string }).code !== 'VALIDATION') throw error;
        rejected = true;
      }
      if (rejected) {
        await expectCode(store.upsert({ id: c, userId: b, messages: [] }), 'VALIDATION');
        return;
      }
      const before = await snapshot(store, a, c);
      expect(await store.get(b, c)).toBeNull();
      expect((await store.list(b)).items).toEqual([]);
      await store.upsert({ id: c, userId: b, messages: conversationMessages(2, 'b') });
      expect(await snapshot(store, a, c)).toBe(before);
      expect((await mustGet(store, a, c)).userId).toBe(a);
      expect((await mustGet(store, b, c)).messageCount).toBe(2);
    },
  },
  {
    id: 'isolation.case-and-prefix-user-ids',
    concern: 'isolation',
    name: 'user ids that differ only in case or by a prefix are different users',
    async run({ store, user, id }) {
      const base = user();
      const [a, b, c2] = [`${base}-Ab`, `${base}-aB`, `${base}-Ab-x`];
      const c = id();
      await store.upsert({ id: c, userId: a, messages: conversationMessages(1) });
      expect(await store.get(b, c)).toBeNull();
      expect(await store.get(c2, c)).toBeNull();
      expect((await store.list(b)).items).toEqual([]);
      expect((await mustGet(store, a, c)).userId).toBe(a);
    },
  },
];
