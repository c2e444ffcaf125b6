import { parseEntryKey, type Keys } from './layout.js';
import type { StorageLike } from './storage.js';

/** A change another tab made: a conversation saved or deleted, or the whole storage cleared. */
export type BrowserStoreChange = { type: 'saved' | 'deleted'; userId: string; id: string } | { type: 'cleared' };

interface StorageEventLike {
  key: string | null;
  newValue: string | null;
  storageArea: unknown;
}

interface EventTargetLike {
  addEventListener(type: 'storage', listener: (event: StorageEventLike) => void): void;
  removeEventListener(type: 'storage', listener: (event: StorageEventLike) => void): void;
}

/** Listens to `storage` events of this storage and namespace; a no-op where there is no window (no other tabs exist). */
export function subscribeToStorage(
  storage: StorageLike,
  keys: Keys,
  listener: (change: BrowserStoreChange) => void,
): () => void {
  const target = globalThis as Partial<EventTargetLike>;
  if (typeof target.addEventListener !== 'function') return () => undefined;
  const onStorage = (event: StorageEventLike): void => {
    if (event.storageArea !== storage) return;
    if (event.key === null) return listener({ type: 'cleared' });
    const owner = parseEntryKey(keys, event.key);
    if (owner) listener({ type: event.newValue === null ? 'deleted' : 'saved', ...owner });
  };
  target.addEventListener('storage', onStorage);
  return () => target.removeEventListener?.('storage', onStorage);
}
