import type { Anchor } from './window.js';

/**
 * What this store caches: which AgentState conversation id an external id maps to, and the window anchor last seen on
 * that conversation. The id cannot change while the conversation exists (a deleted conversation's id is never
 * reused), so a 404 on a cached id is the one sign it went stale: the caller evicts it and looks the external id up
 * again. The anchor is only a hint: a window reads the messages after it alongside the row, and uses them only when
 * the row carries the same anchor.
 */
export interface IdCache {
  get(externalId: string): string | undefined;
  /** Maps the external id to `id`, with the anchor its row carries (none: no hint). */
  set(externalId: string, id: string, anchor?: Anchor): void;
  /** The anchor last seen on the cached conversation, if any. */
  anchor(externalId: string): Anchor | undefined;
  /** Records the anchor seen on conversation `id`, only while the external id maps to it. */
  hint(externalId: string, id: string, anchor: Anchor | undefined): void;
  /** Forgets the mapping and its anchor (only while it still points at `id`, when given). */
  evict(externalId: string, id?: string): void;
}

/** An id cache holding at most `max` mappings; the oldest goes first. */
export function createIdCache(max = 10_000): IdCache {
  const entries = new Map<string, { id: string; anchor?: Anchor }>();
  return {
    get: (externalId) => entries.get(externalId)?.id,
    set(externalId, id, anchor) {
      entries.delete(externalId);
      entries.set(externalId, { id, anchor });
      if (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    anchor: (externalId) => entries.get(externalId)?.anchor,
    hint(externalId, id, anchor) {
      const entry = entries.get(externalId);
      if (entry?.id === id) entry.anchor = anchor;
    },
    evict(externalId, id) {
      if (id === undefined || entries.get(externalId)?.id === id) entries.delete(externalId);
    },
  };
}
