import {
  ConversationStoreError,
  createMemoryStore,
  encodeWindowCursor,
  parseWindowOptions,
  windowRange,
  type ConversationStore,
  type MessageWindow,
  type StoredConversation,
  type WindowOptions,
} from '@agent-conversations/core';
import { leaksAcrossUsers } from './broken-stores.js';

/** Deliberately broken `window`s: each wraps the memory store and breaks one promise the window checks must catch. */

type WindowCut = ReturnType<typeof windowRange>;

/** A window cut from a conversation `get` returned (options checked first, as a store must); `next` picks its cursor. */
async function cut(
  conversation: StoredConversation | null,
  options: WindowOptions | undefined,
  next = (range: WindowCut, _limit: number) => range.nextCursor,
): Promise<MessageWindow | null> {
  const parsed = parseWindowOptions(options);
  if (!conversation) return null;
  const { messages, ...meta } = conversation;
  const range = windowRange(messages.length, parsed);
  return { meta, messages: messages.slice(range.start, range.end), nextCursor: next(range, parsed.limit) };
}

/** The memory store's own window. */
async function correct(
  store: ConversationStore,
  userId: string,
  id: string,
  options?: WindowOptions,
): Promise<MessageWindow | null> {
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
      return {
        meta,
        messages: messages.slice(start, end),
        nextCursor: start > 0 ? `seen.${seen + end - start}` : null,
      };
    },
  };
}

/** window() ignores the user: anyone with the conversation id reads it (cut from the leaky get of broken-stores). */
export function windowLeaksAcrossUsers(): ConversationStore {
  const leaky = leaksAcrossUsers();
  return { ...leaky, window: async (userId, id, options) => cut(await leaky.get(userId, id), options) };
}

/** Gives a nextCursor after every full window, so an exact multiple ends with an empty one. */
export function windowEndsWithEmptyPage(): ConversationStore {
  const inner = createMemoryStore();
  const full = (range: WindowCut, limit: number): string | null =>
    range.end - range.start === limit ? encodeWindowCursor(range.start) : null;
  return { ...inner, window: async (userId, id, options) => cut(await inner.get(userId, id), options, full) };
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

/** Caches each conversation at its first window and never forgets it. */
export function windowCachesMessages(): ConversationStore {
  const inner = createMemoryStore();
  const cache = new Map<string, StoredConversation>();
  return {
    ...inner,
    async window(userId, id, options) {
      const key = `${userId}\n${id}`;
      const conversation = cache.get(key) ?? (await inner.get(userId, id));
      if (conversation) cache.set(key, conversation);
      return cut(conversation, options);
    },
  };
}
