import type { ConversationMeta } from '@agent-conversations/core';
import { entryKey, parseEntryKey, readIndex, serializeEntry, serializeIndex, userPrefix, type Index, type Keys } from './layout.js';
import { writeItem, type StorageLike } from './storage.js';

// Write order, so that a crash between two writes never loses or resurrects a conversation:
// - save:   entry first, then the index. A crash leaves an entry the index does not list; repair adopts it.
// - delete: entry first, then the index. A crash leaves an id without an entry; repair and list drop it.
// Every function here is synchronous and re-reads storage, so it runs as one critical section under the lock.

function writeIndex(storage: StorageLike, keys: Keys, index: Index): void {
  const text = serializeIndex(index);
  if (text === null) storage.removeItem(keys.index);
  else writeItem(storage, keys.index, text, 'the conversation index');
}

function addToIndex(index: Index, userId: string, id: string): boolean {
  let ids = index.get(userId);
  if (!ids) index.set(userId, (ids = new Set()));
  if (ids.has(id)) return false;
  ids.add(id);
  return true;
}

/** Stores a conversation and makes sure the index lists it; on any failure storage is left as it was. */
export function saveEntry(storage: StorageLike, keys: Keys, meta: ConversationMeta, body: string): void {
  const key = entryKey(keys, meta.userId, meta.id);
  const index = readIndex(storage, keys); // refuses a corrupt or newer index before anything is written
  const previous = storage.getItem(key);
  writeItem(storage, key, serializeEntry(meta, body), `conversation "${meta.id}"`);
  if (!addToIndex(index, meta.userId, meta.id)) return;
  try {
    writeIndex(storage, keys, index);
  } catch (error) {
    if (previous === null) storage.removeItem(key);
    else storage.setItem(key, previous);
    throw error;
  }
}

/** Removes a conversation; returns whether its entry existed. */
export function deleteEntry(storage: StorageLike, keys: Keys, userId: string, id: string): boolean {
  const key = entryKey(keys, userId, id);
  const index = readIndex(storage, keys);
  const existed = storage.getItem(key) !== null;
  if (existed) storage.removeItem(key);
  if (index.get(userId)?.delete(id)) writeIndex(storage, keys, index);
  return existed;
}

function allKeys(storage: StorageLike): string[] {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key !== null) keys.push(key);
  }
  return keys;
}

/** Removes every entry of a user, listed or not; returns how many there were. */
export function deleteUser(storage: StorageLike, keys: Keys, userId: string): number {
  const index = readIndex(storage, keys);
  const prefix = userPrefix(keys, userId);
  const doomed = allKeys(storage).filter((key) => key.startsWith(prefix));
  for (const key of doomed) storage.removeItem(key);
  if (index.delete(userId)) writeIndex(storage, keys, index);
  return doomed.length;
}

/** Brings the index in line with the entries after a crash: adopts unlisted entries, drops ids without one. */
export function repair(storage: StorageLike, keys: Keys): void {
  const index = readIndex(storage, keys);
  const present = new Set(allKeys(storage));
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
