import { expect } from '../expect.js';
import { conversationMessages, expectCode, mustGet, snapshot, tick, userMessage, type Check } from '../check.js';

export const versioningChecks: Check[] = [
  {
    id: 'versioning.increments',
    concern: 'versioning',
    name: 'version starts at 1 and every write adds 1',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      expect((await store.upsert({ id: c, userId: u, messages: [] })).version).toBe(1);
      expect((await store.append(u, c, [userMessage('a')])).version).toBe(2);
      expect((await store.update(u, c, { title: 't' })).version).toBe(3);
      expect((await store.upsert({ id: c, userId: u, messages: conversationMessages(2) })).version).toBe(4);
      expect((await mustGet(store, u, c)).version).toBe(4);
    },
  },
  {
    id: 'versioning.timestamps',
    concern: 'versioning',
    name: 'updatedAt never goes backwards and createdAt never changes',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const first = await store.upsert({ id: c, userId: u, messages: [] });
      await tick();
      const second = await store.append(u, c, [userMessage('a')]);
      await tick();
      const third = await store.update(u, c, { title: 'x' });
      expect(second.updatedAt).toBeGreaterThan(first.updatedAt);
      expect(third.updatedAt).toBeGreaterThan(second.updatedAt);
      expect([second.createdAt, third.createdAt]).toEqual([first.createdAt, first.createdAt]);
    },
  },
  {
    id: 'versioning.matching-expected-version',
    concern: 'versioning',
    name: 'expectedVersion that matches lets every kind of write through',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const v1 = await store.upsert({ id: c, userId: u, messages: [] }, { expectedVersion: 0 });
      const v2 = await store.append(u, c, [userMessage('a')], { expectedVersion: v1.version });
      const v3 = await store.update(u, c, { title: 'ok' }, { expectedVersion: v2.version });
      const v4 = await store.upsert(
        { id: c, userId: u, messages: conversationMessages(3) },
        { expectedVersion: v3.version },
      );
      expect(v4.version).toBe(4);
    },
  },
  {
    id: 'versioning.stale-expected-version',
    storage: true,
    concern: 'versioning',
    name: 'a stale expectedVersion is CONFLICT on upsert, append and update, and writes nothing',
    async run({ store, user, id, inspect }) {
      const [u, c] = [user(), id()];
      const messages = conversationMessages(2);
      await store.upsert({ id: c, userId: u, messages });
      await store.update(u, c, { title: 'current' });
      const before = await snapshot(store, u, c);
      await expectCode(
        store.upsert({ id: c, userId: u, messages: conversationMessages(5) }, { expectedVersion: 1 }),
        'CONFLICT',
      );
      await expectCode(
        store.append(u, c, [userMessage('late')], { expectedVersion: 1, usage: { inputTokens: 5 } }),
        'CONFLICT',
      );
      await expectCode(store.update(u, c, { title: 'stale' }, { expectedVersion: 1 }), 'CONFLICT');
      await expectCode(store.upsert({ id: c, userId: u, messages: [] }, { expectedVersion: 0 }), 'CONFLICT');
      expect(await snapshot(store, u, c)).toBe(before);
      if (inspect) expect((await inspect.messages(u, c)).length).toBe(2);
    },
  },
  {
    id: 'versioning.expected-version-missing',
    concern: 'versioning',
    name: 'expectedVersion above 0 for a missing conversation is CONFLICT and creates nothing',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      await expectCode(store.upsert({ id: c, userId: u, messages: [] }, { expectedVersion: 3 }), 'CONFLICT');
      expect(await store.get(u, c)).toBeNull();
    },
  },
];
