/**
 * The only thing this store caches: which AgentState conversation id an external id maps to. It cannot change while the
 * conversation exists (a deleted conversation's id is never reused), so a 404 on a cached id is the one sign it went
 * stale: the caller evicts it and looks the external id up again.
 */
export interface IdCache {
  get(externalId: string): string | undefined;
  set(externalId: string, id: string): void;
  /** Forgets the mapping (only while it still points at `id`, when given). */
  evict(externalId: string, id?: string): void;
}

/** An id cache holding at most `max` mappings; the oldest goes first. */
export function createIdCache(max = 10_000): IdCache {
  const ids = new Map<string, string>();
  return {
    get: (externalId) => ids.get(externalId),
    set(externalId, id) {
      ids.delete(externalId);
      ids.set(externalId, id);
      if (ids.size > max) ids.delete(ids.keys().next().value!);
    },
    evict(externalId, id) {
      if (id === undefined || ids.get(externalId) === id) ids.delete(externalId);
    },
  };
}
