import { expect } from '../expect.js';
import {
  assistantMessage,
  conversationMessages,
  expectSameMessages,
  mustGet,
  userMessage,
  type Check,
} from '../check.js';

export const upsertChecks: Check[] = [
  {
    id: 'upsert.extend',
    storage: true,
    concern: 'upsert',
    name: 'an upsert that extends the stored list keeps the prefix and adds the rest',
    async run({ store, user, id, inspect }) {
      const [u, c] = [user(), id()];
      const first = conversationMessages(4);
      await store.upsert({ id: c, userId: u, messages: first });
      const extended = [...first, userMessage('more'), assistantMessage('and more')];
      const meta = await store.upsert({ id: c, userId: u, messages: extended });
      expect(meta).toMatchObject({ messageCount: 6, version: 2 });
      expectSameMessages((await mustGet(store, u, c)).messages, extended);
      if (inspect) expectSameMessages(await inspect.messages(u, c), extended);
    },
  },
  {
    id: 'upsert.rewrite',
    storage: true,
    concern: 'upsert',
    name: 'an upsert that rewrites the list replaces it exactly (shorter, reordered, new ids)',
    async run({ store, user, id, inspect }) {
      const [u, c] = [user(), id()];
      const first = conversationMessages(6);
      await store.upsert({ id: c, userId: u, messages: first });
      const rewritten = [first[0]!, userMessage('edited second question'), first[2]!];
      const meta = await store.upsert({ id: c, userId: u, messages: rewritten });
      expect(meta.messageCount).toBe(3);
      expectSameMessages((await mustGet(store, u, c)).messages, rewritten);
      if (inspect) expectSameMessages(await inspect.messages(u, c), rewritten);
      const swapped = [rewritten[2]!, rewritten[0]!];
      await store.upsert({ id: c, userId: u, messages: swapped });
      expectSameMessages((await mustGet(store, u, c)).messages, swapped);
      await store.upsert({ id: c, userId: u, messages: [] });
      expect((await mustGet(store, u, c)).messages).toEqual([]);
    },
  },
  {
    id: 'upsert.continuation',
    storage: true,
    concern: 'upsert',
    name: "an upsert that changes the last message's content under the same id (AI SDK continuation) stores the new content",
    async run({ store, user, id, inspect }) {
      const [u, c] = [user(), id()];
      const q = userMessage('tell me a story');
      const partial = assistantMessage('Once upon a');
      await store.upsert({ id: c, userId: u, messages: [q, partial] });
      const continued = {
        ...partial,
        parts: [...(partial.parts as unknown[]), { type: 'text', text: ' time, the end.' }],
      };
      const meta = await store.upsert({ id: c, userId: u, messages: [q, continued] });
      expect(meta).toMatchObject({ messageCount: 2, version: 2 });
      expectSameMessages((await mustGet(store, u, c)).messages, [q, continued]);
      if (inspect) expectSameMessages(await inspect.messages(u, c), [q, continued]);
    },
  },
  {
    id: 'upsert.identical',
    concern: 'upsert',
    name: 'an upsert with identical messages changes no message and still counts as a write',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const messages = conversationMessages(3);
      await store.upsert({ id: c, userId: u, messages });
      const meta = await store.upsert({ id: c, userId: u, messages: JSON.parse(JSON.stringify(messages)) });
      expect(meta).toMatchObject({ version: 2, messageCount: 3 });
      expectSameMessages((await mustGet(store, u, c)).messages, messages);
    },
  },
];
