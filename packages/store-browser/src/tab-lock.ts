import type { Keys } from './layout.js';
import { isLocalStorage, writeItem, type StorageLike } from './storage.js';

/** The part of the Web Locks API (`navigator.locks`) the store uses. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
  request(name: string, options: { mode: 'shared' }, callback: () => Promise<void>): Promise<void>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

/**
 * How long a writer waits for the counter to catch up before it goes on: 1 s when the counter is missing or 0
 * (storage cleared under live tabs), 30 times that when it is there but behind (a busy machine can hold another tab's
 * data back for seconds; only storage not shared between tabs, like sessionStorage with crossTab: true, never catches up).
 */
const CATCH_UP_MS = 1000;
const pad = (n: number): string => String(n).padStart(15, '0');

/** This realm's current marker lock per namespace; its own writes are visible to it at once, so it never waits on them. */
const ownMarks = new Map<string, { name: string; release: () => void }>();

/**
 * Runs synchronous write sections of one namespace one at a time across tabs, each seeing every earlier section's writes.
 *
 * Web Locks alone are not enough: a tab granted the lock may still hold a stale copy of localStorage, since another
 * tab's writes reach it on a different channel than the lock grant. So every section ends by bumping a counter in
 * storage and holding a shared lock named after it; the next writer asks the lock manager (which saw that lock before
 * the release) for the highest counter and waits until its own storage shows it. Without Web Locks (or crossTab off)
 * sections run at once: synchronous code cannot interleave with other writes in this realm.
 */
export function createTabLock(
  storage: () => StorageLike,
  keys: Keys,
  crossTab: boolean | undefined,
  manager?: LockManagerLike,
): <T>(section: () => T) => Promise<T> {
  const mark = `${keys.seq}:`;
  return async <T>(section: () => T): Promise<T> => {
    const s = storage();
    const locks =
      (crossTab ?? isLocalStorage(s))
        ? (manager ?? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks)
        : undefined;
    if (typeof locks?.request !== 'function') return section();
    return locks.request(keys.lock, async () => {
      const seq = (): number => Number(s.getItem(keys.seq)) || 0;
      const own = ownMarks.get(mark);
      const { held = [] } = await locks.query();
      const latest = Math.max(
        0,
        ...held.map(({ name = '' }) =>
          name !== own?.name && name.startsWith(mark) ? Number(name.slice(mark.length)) || 0 : 0,
        ),
      );
      // A counter behind `latest` means that writer's data is on its way: wait for it (see CATCH_UP_MS).
      for (const t = Date.now(); seq() < latest && Date.now() - t < (seq() ? 30 : 1) * CATCH_UP_MS;)
        await new Promise((r) => setTimeout(r, 1));
      if (s.getItem(keys.seq) === null) writeItem(s, keys.seq, pad(0), 'the counter'); // reserve its space before any data
      const result = section();
      const next = pad(Math.max(seq(), latest) + 1);
      s.setItem(keys.seq, next); // written last: a tab that sees it has seen the data
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (release = resolve));
      void locks.request(mark + next, { mode: 'shared' }, () => holding);
      own?.release();
      ownMarks.set(mark, { name: mark + next, release });
      return result;
    });
  };
}
