import type { Message } from '@agent-conversations/core';
import { expect } from '../expect.js';
import { assistantMessage, conversationMessages, mustGet, snapshot, userMessage, type Check } from '../check.js';

type Json = Record<string, unknown>;

/** Changes a message in place every way a caller might: its parts, its metadata, a new key. */
function scribble(message: Message): void {
  const parts = message.parts as Json[] | undefined;
  if (parts?.[0]) parts[0].text = 'scribbled';
  parts?.push({ type: 'text', text: 'pushed' });
  (message as Json).metadata = { scribbled: true };
  message.role = 'scribbled';
}

export const copyChecks: Check[] = [
  {
    id: 'copies.returned-values',
    concern: 'copies',
    name: 'what get, list and every write return are independent copies: changing them never changes what is stored',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const created = await store.upsert({
        id: c,
        userId: u,
        messages: conversationMessages(2),
        metadata: { tags: ['a'] },
        usage: { inputTokens: 1 },
      });
      const before = await snapshot(store, u, c);
      const got = await mustGet(store, u, c);
      for (const m of got.messages) scribble(m);
      got.messages.push(userMessage('pushed into the returned list'));
      (got.metadata!.tags as string[]).push('b');
      got.usage!.inputTokens = 99;
      got.title = 'changed on the returned object';
      const [item] = (await store.list(u)).items;
      item!.metadata!.extra = true;
      item!.title = 'changed on a list item';
      (created.metadata!.tags as string[]).push('c');
      created.usage!.inputTokens = 42;
      expect(await snapshot(store, u, c), 'changing returned objects changed the stored conversation').toBe(before);
      expect((await store.list(u)).items[0]!.title, 'changing a list item changed the next list').not.toBe(
        'changed on a list item',
      );
      const appended = await store.append(u, c, [assistantMessage('more')], { usage: { inputTokens: 1 } });
      const updated = await store.update(u, c, { metadata: { k: { v: 1 } } });
      const afterWrites = await snapshot(store, u, c);
      appended.usage!.inputTokens = 7;
      (updated.metadata!.k as Json).v = 2;
      expect(
        await snapshot(store, u, c),
        'changing what append or update returned changed the stored conversation',
      ).toBe(afterWrites);
    },
  },
  {
    id: 'copies.caller-inputs',
    concern: 'copies',
    name: "the caller's messages, metadata, usage and patch are copied on write: changing them afterwards never changes what is stored",
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const messages = conversationMessages(2);
      const metadata: Json = { tags: ['a'] };
      const usage = { inputTokens: 1 };
      await store.upsert({ id: c, userId: u, messages, metadata, usage });
      const afterUpsert = await snapshot(store, u, c);
      for (const m of messages) scribble(m);
      messages.push(userMessage('pushed into the caller list'));
      (metadata.tags as string[]).push('b');
      usage.inputTokens = 99;
      expect(await snapshot(store, u, c), 'changing what was passed to upsert changed the stored conversation').toBe(
        afterUpsert,
      );
      const added = [assistantMessage('appended')];
      const delta = { outputTokens: 2 };
      await store.append(u, c, added, { usage: delta });
      const afterAppend = await snapshot(store, u, c);
      scribble(added[0]!);
      delta.outputTokens = 50;
      expect(await snapshot(store, u, c), 'changing what was passed to append changed the stored conversation').toBe(
        afterAppend,
      );
      const patch = { metadata: { nested: { n: 1 } } as Json, usage: { costUsd: 1 } };
      await store.update(u, c, patch);
      const afterUpdate = await snapshot(store, u, c);
      (patch.metadata.nested as Json).n = 2;
      patch.usage.costUsd = 3;
      expect(await snapshot(store, u, c), 'changing the patch passed to update changed the stored conversation').toBe(
        afterUpdate,
      );
    },
  },
];
