import { expect } from '../expect.js';
import { assistantMessage, expectSameMessages, mustGet, randomId, userMessage, type Check } from '../check.js';

export const orderingChecks: Check[] = [
  {
    id: 'ordering.sequence',
    storage: true,
    concern: 'ordering',
    name: 'messages keep their order by sequence, not by any timestamp inside them',
    async run({ store, user, id, inspect }) {
      const [u, c] = [user(), id()];
      const messages = [5, 1, 4, 2, 3].map((n) => ({
        id: `z${n}-${randomId('m')}`,
        role: n % 2 ? 'user' : 'assistant',
        createdAt: 1_000 * (10 - n),
        metadata: { createdAt: new Date(1_000 * n).toISOString() },
      }));
      await store.upsert({ id: c, userId: u, messages: messages.slice(0, 3) });
      await store.append(u, c, messages.slice(3, 4));
      await store.append(u, c, messages.slice(4));
      expectSameMessages((await mustGet(store, u, c)).messages, messages);
      if (inspect) expectSameMessages(await inspect.messages(u, c), messages);
    },
  },
  {
    id: 'ordering.default-title',
    concern: 'ordering',
    name: 'title defaults to the first user message text, trimmed to 100 characters',
    async run({ store, user, id }) {
      const u = user();
      const long = `   ${'word '.repeat(40)}  `;
      const a = await store.upsert({
        id: id(),
        userId: u,
        messages: [
          { id: 's', role: 'system', parts: [{ type: 'text', text: 'system prompt' }] },
          userMessage(long),
          userMessage('second'),
        ],
      });
      expect(a.title).toBe('word '.repeat(20).trim());
      expect(a.title.length).toBeLessThanOrEqual(100);
      const b = await store.upsert({ id: id(), userId: u, messages: [assistantMessage('only the assistant spoke')] });
      expect(b.title).toBe('New Conversation');
      const c = await store.upsert({ id: id(), userId: u, messages: [userMessage('  Plan a trip\n to   Rome ')] });
      expect(c.title).toBe('Plan a trip to Rome');
    },
  },
  {
    id: 'ordering.clean-title',
    concern: 'ordering',
    name: 'a title derived from text with NUL, a lone surrogate and emoji is clean display text, stored exactly',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const title = 'nul lone \ufffd emoji 😀 end';
      const meta = await store.upsert({
        id: c,
        userId: u,
        messages: [userMessage('nul \u0000 lone \ud800 emoji 😀 end')],
      });
      expect(meta.title).toBe(title);
      expect((await mustGet(store, u, c)).title).toBe(title);
      expect((await store.list(u)).items[0]!.title).toBe(title);
    },
  },
  {
    id: 'ordering.given-title',
    concern: 'ordering',
    name: 'a given title wins; the placeholder title is derived once a user message arrives',
    async run({ store, user, id }) {
      const u = user();
      const given = await store.upsert({ id: id(), userId: u, title: '  My chat ', messages: [userMessage('hello')] });
      expect(given.title).toBe('My chat');
      const c = id();
      await store.upsert({ id: c, userId: u, messages: [] });
      const appended = await store.append(u, c, [userMessage('What is the weather?')]);
      expect(appended.title).toBe('What is the weather?');
      const later = await store.append(u, c, [userMessage('Another question')]);
      expect(later.title).toBe('What is the weather?');
      const renamed = await store.update(u, c, { title: 'Weather' });
      expect(renamed.title).toBe('Weather');
      expect((await store.upsert({ id: c, userId: u, messages: [userMessage('Different start')] })).title).toBe(
        'Weather',
      );
    },
  },
];
