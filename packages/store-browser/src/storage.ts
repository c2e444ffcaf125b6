import { storeError } from './layout.js';

/** The part of the Web Storage interface the store uses: `localStorage`, `sessionStorage` or any object shaped like them. */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** `globalThis.localStorage`, or a clear error where it is missing (server code) or blocked (site data disabled). */
export function defaultStorage(): StorageLike {
  let storage: StorageLike | undefined;
  let cause: unknown;
  try {
    storage = (globalThis as { localStorage?: StorageLike }).localStorage;
  } catch (error) {
    cause = error;
  }
  if (!storage) {
    throw storeError(
      'CONFIG',
      `localStorage is ${cause ? 'blocked here' : 'missing in this runtime'}: use the local store in a browser, or pass { storage }`,
      cause,
    );
  }
  return storage;
}

/** True when `storage` is this realm's localStorage (shared by every tab of the origin). */
export function isLocalStorage(storage: StorageLike): boolean {
  try {
    return storage === (globalThis as { localStorage?: StorageLike }).localStorage;
  } catch {
    return false; // localStorage is blocked, so `storage` is something else
  }
}

/** Why localStorage cannot be used here, or null when it can (the adapter's isConfigured check). */
export function storageProblem(): string | null {
  try {
    defaultStorage();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Writes one key; a full quota becomes a STORAGE error saying how much more space the write needed. */
export function writeItem(storage: StorageLike, key: string, value: string, what: string): void {
  try {
    storage.setItem(key, value);
  } catch (error) {
    // What the write adds: the value minus the one it replaces, or the key too when it is new.
    const needed = value.length - (storage.getItem(key)?.length ?? -key.length);
    const full = (error as { name?: unknown } | null)?.name === 'QuotaExceededError';
    throw storeError(
      'STORAGE',
      full
        ? `storage is full: saving ${what} needs ${needed} more characters; nothing was changed (delete old conversations, then retry)`
        : `could not save ${what}: ${String(error)}`,
      error,
    );
  }
}

/** Every key of `storage` that starts with `prefix` (never empty). */
export function keysWith(storage: StorageLike, prefix: string): string[] {
  return Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '').filter((key) => key.startsWith(prefix));
}
