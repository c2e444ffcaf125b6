import { entryKey, FORMAT, parseEntryKey, readIndex, userPrefix, type Index, type Keys } from './layout.js';
import { writeItem, type StorageLike } from './storage.js';

// Write order, so that a crash between two writes never loses or resurrects a conversation:
// - save:   entry first, then the index. A crash leaves an entry the index does not list; repair adopts it.
// - delete: entry first, then the index. A crash leaves an id without an entry; repair and list drop it.
// Every function here is synchronous and re-reads storage, so it runs as one critical section under the lock.

// Stores the index; removes the key when it lists nothing.
function writeIndex(storage: StorageLike, keys: Keys, index: Index): void {
  const users = [...index].filter(([, ids]) => ids.size > 0).map(([userId, ids]) => [userId, [...ids]]);
  if (users.length === 0) storage.removeItem(keys.index);
  else writeItem(storage, keys.index, JSON.stringify({ format: FORMAT, users: Object.fromEntries(users) }), 'the conversation index');
}

function addToIndex(index: Index, userId: string, id: string): boolean {
  let ids = index.get(userId);
  if (!ids) index.set(userId, (ids = new Set()));
  if (ids.has(id)) return false;
  ids.add(id);
  return true;
}

/**
 * Stores a conversation's text, or removes it (null), and keeps the index in line; returns whether it existed.
 * A failed save leaves storage as it was.
 */
export function putEntry(storage: StorageLike, keys: Keys, userId: string, id: string, text: string | null): boolean {
  const key = entryKey(keys, userId, id);
  const index = readIndex(storage, keys); // refuses a corrupt or newer index before anything is written
  const previous = storage.getItem(key);
  if (text === null) {
    storage.removeItem(key);
    if (index.get(userId)?.delete(id)) writeIndex(storage, keys, index);
  } else {
    writeItem(storage, key, text, `conversation "${id}"`);
    if (addToIndex(index, userId, id)) {
      try {
        writeIndex(storage, keys, index);
      } catch (error) {
        if (previous === null) storage.removeItem(key);
        else storage.setItem(key, previous);
        throw error;
      }
    }
  }
  return previous !== null;
}

// Every key that starts with `prefix` (never empty).
function keysWith(storage: StorageLike, prefix: string): string[] {
  return Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '').filter((key) => key.startsWith(prefix));
}

/** Removes every entry of a user, listed or not; returns how many there were. */
export function deleteUser(storage: StorageLike, keys: Keys, userId: string): number {
  const index = readIndex(storage, keys);
  const doomed = keysWith(storage, userPrefix(keys, userId));
  for (const key of doomed) storage.removeItem(key);
  if (index.delete(userId)) writeIndex(storage, keys, index);
  return doomed.length;
}

/** Brings the index in line with the entries after a crash: adopts unlisted entries, drops ids without one. */
export function repair(storage: StorageLike, keys: Keys): void {
  const index = readIndex(storage, keys);
  const present = new Set(keysWith(storage, keys.entry));
  let changed = false;
  for (const [userId, ids] of index) {
    for (const id of ids) {
      if (!present.has(entryKey(keys, userId, id))) changed = ids.delete(id) || changed;
    }
  }
  for (const key of present) {
    const owner = parseEntryKey(keys, key);
    if (owner && addToIndex(index, owner.userId, owner.id)) changed = true;
  }
  if (changed) writeIndex(storage, keys, index);
}
