import { expect } from '../expect.js';
import {
  assistantMessage,
  conversationMessages,
  expectCode,
  expectSameMessages,
  mustGet,
  userMessage,
  type Check,
} from '../check.js';

export const crudChecks: Check[] = [
  {
    id: 'crud.create-get',
    storage: true,
    concern: 'crud',
    name: 'upsert creates a conversation that get returns exactly',
    async run({ store, user, id, inspect }) {
      const [u, c] = [user(), id()];
      const messages = conversationMessages(4);
      const meta = await store.upsert({
        id: c,
        userId: u,
        messages,
        model: 'gpt-test',
        provider: 'test',
        metadata: { tags: ['a'] },
        usage: { inputTokens: 10 },
      });
      expect(meta).toMatchObject({
        id: c,
        userId: u,
        messageCount: 4,
        version: 1,
        model: 'gpt-test',
        provider: 'test',
        metadata: { tags: ['a'] },
        usage: { inputTokens: 10 },
      });
      expect(meta.createdAt).toBeGreaterThan(0);
      expect(meta.updatedAt).toBeGreaterThanOrEqual(meta.createdAt);
      expect(meta).not.toHaveProperty('messages');
      const got = await mustGet(store, u, c);
      expectSameMessages(got.messages, messages);
      expect({ ...got, messages: undefined }).toEqual({ ...meta, messages: undefined });
      if (inspect) expectSameMessages(await inspect.messages(u, c), messages);
    },
  },
  {
    id: 'crud.get-missing',
    concern: 'crud',
    name: 'get returns null for a conversation that does not exist',
    async run({ store, user, id }) {
      expect(await store.get(user(), id())).toBeNull();
    },
  },
  {
    id: 'crud.empty-conversation',
    concern: 'crud',
    name: 'an empty conversation can be created and appended to',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const meta = await store.upsert({ id: c, userId: u, messages: [] });
      expect(meta).toMatchObject({ messageCount: 0, title: 'New Conversation', version: 1 });
      const m = userMessage('first words');
      const after = await store.append(u, c, [m]);
      expect(after).toMatchObject({ messageCount: 1, version: 2 });
      expectSameMessages((await mustGet(store, u, c)).messages, [m]);
    },
  },
  {
    id: 'crud.append',
    storage: true,
    concern: 'crud',
    name: 'append adds messages after the last one and bumps version and updatedAt',
    async run({ store, user, id, inspect }) {
      const [u, c] = [user(), id()];
      const first = conversationMessages(2);
      const created = await store.upsert({ id: c, userId: u, messages: first });
      const added = [userMessage('next question'), assistantMessage('next answer')];
      const meta = await store.append(u, c, added);
      expect(meta).toMatchObject({ id: c, userId: u, messageCount: 4, version: 2, createdAt: created.createdAt });
      expect(meta.updatedAt).toBeGreaterThanOrEqual(created.updatedAt);
      expectSameMessages((await mustGet(store, u, c)).messages, [...first, ...added]);
      if (inspect) expectSameMessages(await inspect.messages(u, c), [...first, ...added]);
    },
  },
  {
    id: 'crud.append-usage',
    concern: 'crud',
    name: 'append adds a usage delta to the totals',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      await store.upsert({ id: c, userId: u, messages: [], usage: { inputTokens: 100, costUsd: 0.5 } });
      await store.append(u, c, [userMessage('q')], { usage: { inputTokens: 20, outputTokens: 7 } });
      const meta = await store.append(u, c, [assistantMessage('a')], { usage: { inputTokens: 1, costUsd: 0.25 } });
      expect(meta.usage).toEqual({ inputTokens: 121, outputTokens: 7, costUsd: 0.75 });
      expect((await mustGet(store, u, c)).usage).toEqual({ inputTokens: 121, outputTokens: 7, costUsd: 0.75 });
    },
  },
  {
    id: 'crud.append-missing',
    concern: 'crud',
    name: 'append to a missing conversation is NOT_FOUND and creates nothing',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      await expectCode(store.append(u, c, [userMessage('hi')]), 'NOT_FOUND');
      expect(await store.get(u, c)).toBeNull();
      expect((await store.list(u)).items).toEqual([]);
    },
  },
  {
    id: 'crud.append-duplicate-id',
    concern: 'crud',
    name: 'append with a message id already in the conversation is CONFLICT and writes nothing',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const messages = conversationMessages(2);
      await store.upsert({ id: c, userId: u, messages });
      await expectCode(store.append(u, c, [userMessage('new'), { ...messages[0]!, role: 'user' }]), 'CONFLICT');
      const got = await mustGet(store, u, c);
      expect(got.version).toBe(1);
      expectSameMessages(got.messages, messages);
    },
  },
  {
    id: 'crud.update',
    concern: 'crud',
    name: 'update changes title, metadata, usage, model and provider and keeps messages',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const messages = conversationMessages(3);
      await store.upsert({ id: c, userId: u, messages, metadata: { a: 1 }, model: 'm1' });
      const meta = await store.update(u, c, {
        title: 'Renamed',
        metadata: { b: [2] },
        usage: { outputTokens: 5 },
        provider: 'p2',
      });
      expect(meta).toMatchObject({
        title: 'Renamed',
        metadata: { b: [2] },
        usage: { outputTokens: 5 },
        model: 'm1',
        provider: 'p2',
        version: 2,
        messageCount: 3,
      });
      const got = await mustGet(store, u, c);
      expect(got.metadata).toEqual({ b: [2] });
      expect(got.title).toBe('Renamed');
      expectSameMessages(got.messages, messages);
    },
  },
  {
    id: 'crud.update-missing',
    concern: 'crud',
    name: 'update of a missing conversation is NOT_FOUND',
    async run({ store, user, id }) {
      await expectCode(store.update(user(), id(), { title: 'x' }), 'NOT_FOUND');
    },
  },
  {
    id: 'crud.upsert-keeps-omitted',
    concern: 'crud',
    name: 'upsert keeps stored title, metadata, usage and model when omitted',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      await store.upsert({
        id: c,
        userId: u,
        messages: conversationMessages(2),
        title: 'Kept',
        metadata: { k: 'v' },
        usage: { inputTokens: 3 },
        model: 'mm',
      });
      const meta = await store.upsert({ id: c, userId: u, messages: conversationMessages(4) });
      expect(meta).toMatchObject({
        title: 'Kept',
        metadata: { k: 'v' },
        usage: { inputTokens: 3 },
        model: 'mm',
        version: 2,
        messageCount: 4,
      });
    },
  },
  {
    id: 'crud.import-timestamps',
    concern: 'crud',
    name: 'createdAt and updatedAt given to upsert are kept (import)',
    skipUnless: (_o, caps) => (caps.importTimestamps ? null : 'the adapter does not keep imported timestamps'),
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const meta = await store.upsert({
        id: c,
        userId: u,
        messages: conversationMessages(1),
        createdAt: 1_600_000_000_000,
        updatedAt: 1_600_000_500_000,
      });
      expect(meta).toMatchObject({ createdAt: 1_600_000_000_000, updatedAt: 1_600_000_500_000 });
      expect(await mustGet(store, u, c)).toMatchObject({ createdAt: 1_600_000_000_000, updatedAt: 1_600_000_500_000 });
    },
  },
];
