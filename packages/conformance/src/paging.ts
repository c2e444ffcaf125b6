import type { ConversationStore } from '@agent-conversations/core';

/**
 * Every message window of a conversation from the newest back to the first message, as lists of message ids (newest
 * window first, each oldest first), for a store's own window tests. `between(page)` runs after each window that has a
 * next one, e.g. to write meanwhile. Throws if the store has no `window`, the conversation is missing, or paging has
 * not reached the first message in 1,000 windows.
 */
export async function pageAll(
  store: ConversationStore,
  userId: string,
  id: string,
  limit: number,
  between?: (page: number) => Promise<void>,
): Promise<string[][]> {
  if (!store.window) throw new TypeError('pageAll: the store has no window');
  const pages: string[][] = [];
  let before: string | undefined;
  while (pages.length < 1000) {
    const window = await store.window(userId, id, { limit, before });
    if (!window) throw new Error(`pageAll: no conversation ${id} of that user`);
    pages.push(window.messages.map((m) => m.id));
    if (window.nextCursor === null) return pages;
    before = window.nextCursor;
    await between?.(pages.length);
  }
  throw new Error(`pageAll: paging back with limit ${limit} did not reach the first message in 1,000 windows`);
}
