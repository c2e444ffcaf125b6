import { ConversationStoreError, createMemoryStore, parseWindowOptions, windowRange, type ConversationStore, type MessageWindow, type WindowOptions } from '@agent-conversations/core';

/** Deliberately broken `window`s: each wraps the memory store and breaks one promise the window checks must catch. */

/** A window of the whole conversation as `get` has it, with the positions a correct store would pick. */
async function correct(store: ConversationStore, userId: string, id: string, options?: WindowOptions): Promise<MessageWindow | null> {
  return store.window!(userId, id, options);
}

/** The cursor counts the messages already seen from the newest end: an append between pages shifts every older window. */
export function windowCountsFromNewest(): ConversationStore {
  const inner = createMemoryStore();
  return {
    ...inner,
    async window(userId, id, options) {
      const seen = options?.before === undefined ? 0 : Number(/^seen\.(\d+)$/.exec(options.before)?.[1] ?? Number.NaN);
      if (Number.isNaN(seen)) throw new ConversationStoreError('VALIDATION', 'not a cursor of this store');
      const { limit } = parseWindowOptions({ limit: options?.limit });
      const all = await inner.get(userId, id);
      if (!all) return null;
      const { messages, ...meta } = all;
      const end = Math.max(0, messages.length - seen);
      const start = Math.max(0, end - limit);
      return { meta, messages: messages.slice(start, end), nextCursor: start > 0 ? `seen.${seen + end - start}` : null };
    },
  };
}

/** window() ignores the user: anyone with the conversation id reads it. */
export function windowLeaksAcrossUsers(): ConversationStore {
  const inner = createMemoryStore();
  const owners = new Map<string, string>();
  return {
    ...inner,
    async upsert(input, opts) {
      if (!owners.has(input.id)) owners.set(input.id, input.userId);
      return inner.upsert(input, opts);
    },
    window: (userId, id, options) => correct(inner, owners.get(id) ?? userId, id, options),
  };
}

/** Gives a nextCursor after every full window, so an exact multiple ends with an empty one. */
export function windowEndsWithEmptyPage(): ConversationStore {
  const inner = createMemoryStore();
  return {
    ...inner,
    async window(userId, id, options) {
      const parsed = parseWindowOptions(options);
      const all = await inner.get(userId, id);
      if (!all) return null;
      const { messages, ...meta } = all;
      const { start, end } = windowRange(messages.length, parsed);
      return { meta, messages: messages.slice(start, end), nextCursor: end - start === parsed.limit ? `w1.${start}` : null };
    },
  };
}

/** Gives the window's messages newest first. */
export function windowNewestFirst(): ConversationStore {
  const inner = createMemoryStore();
  return {
    ...inner,
    async window(userId, id, options) {
      const result = await correct(inner, userId, id, options);
      return result && { ...result, messages: [...result.messages].reverse() };
    },
  };
}

/** Clamps a bad limit into 1..1000 instead of refusing it. */
export function windowClampsLimit(): ConversationStore {
  const inner = createMemoryStore();
  return {
    ...inner,
    window: (userId, id, options) => {
      const limit = Math.min(1000, Math.max(1, Math.floor(Number(options?.limit ?? 50)) || 50));
      return correct(inner, userId, id, { ...options, limit });
    },
  };
}

/** Caches each conversation's messages at its first window and never forgets them. */
export function windowCachesMessages(): ConversationStore {
  const inner = createMemoryStore();
  const cache = new Map<string, MessageWindow['messages']>();
  return {
    ...inner,
    async window(userId, id, options) {
      const parsed = parseWindowOptions(options);
      const all = await inner.get(userId, id);
      if (!all) return null;
      const { messages: fresh, ...meta } = all;
      const key = `${userId}\n${id}`;
      const messages = cache.get(key) ?? fresh;
      cache.set(key, messages);
      const { start, end, nextCursor } = windowRange(messages.length, parsed);
      return { meta, messages: messages.slice(start, end), nextCursor };
    },
  };
}
