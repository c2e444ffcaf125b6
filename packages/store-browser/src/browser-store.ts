import {
  addUsage,
  assertConversationId,
  assertUserId,
  checkVersion,
  cleanMeta,
  compareForList,
  ConversationStoreError,
  encodeCursor,
  firstChangedIndex,
  isConversationStoreError,
  parseListOptions,
  prepareInput,
  prepareMessages,
  preparePatch,
  resolveTitle,
  validateExpectedVersion,
  validateUsage,
  type AppendOptions,
  type ConversationInput,
  type ConversationMeta,
  type ConversationPatch,
  type ConversationStore,
  type ListOptions,
  type ListPage,
  type Message,
  type MessageInput,
  type StoredConversation,
  type WriteOptions,
} from '@agent-conversations/core';
import { ADAPTER, entryKey, keysFor, linesBody, parseHeader, parseMessages, readEntry, readIndex, type Entry } from './layout.js';
import { defaultStorage, type StorageLike } from './storage.js';
import { createTabLock } from './tab-lock.js';
import { subscribeToStorage, type BrowserStoreChange } from './subscribe.js';
import { deleteEntry, deleteUser, repair, saveEntry } from './writes.js';

/** Options of {@link createBrowserStore}. */
export interface BrowserStoreOptions {
  /** Where history is kept; defaults to `localStorage`, looked up on first use. `sessionStorage` or any Storage-like object works. */
  storage?: StorageLike;
  /** Prefix of every key, so several apps or tests can share one origin: 1-64 of `A-Z a-z 0-9 _ . -`. Default `agent-conversations`. */
  namespace?: string;
  /** Serialize writes across tabs with Web Locks; default true for `localStorage`, false for any other storage (per-tab sessionStorage, wrappers). */
  crossTab?: boolean;
  /** Clock for timestamps (tests). Defaults to Date.now. */
  now?: () => number;
}

/** The local store: a ConversationStore over Web Storage that also reports changes made in other tabs. */
export interface BrowserConversationStore extends ConversationStore {
  readonly kind: 'local';
  /** Calls `listener` for every conversation another tab saves or deletes (the `storage` event); returns the unsubscribe function. */
  subscribe(listener: (change: BrowserStoreChange) => void): () => void;
}

/** The namespace used when none is given. */
export const DEFAULT_NAMESPACE = 'agent-conversations';

/** Creates the browser store over localStorage (or `options.storage`); touches no storage until the first call. */
export function createBrowserStore(options: BrowserStoreOptions = {}): BrowserConversationStore {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (typeof namespace !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(namespace)) {
    throw new ConversationStoreError('CONFIG', 'namespace must be 1-64 letters, digits, _ . or -', { adapter: ADAPTER });
  }
  const keys = keysFor(namespace);
  const now = options.now ?? Date.now;
  let storage = options.storage;
  let repaired: Promise<void> | undefined;
  const unsubscribers = new Set<() => void>();

  const area = (): StorageLike => (storage ??= defaultStorage());
  const locked = createTabLock(area, keys, options.crossTab);
  // The first call repairs whatever a crash between two writes left behind (once per store).
  const ready = (): Promise<void> =>
    (repaired ??= locked(() => repair(area(), keys)).catch((error: unknown) => {
      repaired = undefined;
      throw error;
    }));
  // Anything else a storage object or the lock manager throws still reaches the caller as a ConversationStoreError.
  const guard = <T>(run: () => Promise<T>): Promise<T> =>
    run().catch((error: unknown) => {
      throw isConversationStoreError(error) ? error : new ConversationStoreError('STORAGE', `browser storage failed: ${String(error)}`, { adapter: ADAPTER, cause: error });
    });
  const read = <T>(section: (s: StorageLike) => T): Promise<T> =>
    guard(async () => {
      await ready();
      return section(area());
    });
  const write = <T>(section: (s: StorageLike) => T): Promise<T> =>
    guard(async () => {
      await ready();
      return locked(() => section(area()));
    });
  const touch = (meta: ConversationMeta): number => Math.max(now(), meta.updatedAt);
  // One read-check-write of a conversation under the lock; `build` returns the changed fields and the new body.
  type Build = (entry: Entry | null, time: number, key: string) => [Partial<ConversationMeta>, string];
  const change = (userId: string, id: string, expected: number | undefined, build: Build, create = false): Promise<ConversationMeta> =>
    write((s) => {
      const key = entryKey(keys, userId, id);
      const entry = readEntry(s, key);
      if (!entry && !create) throw new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, { adapter: ADAPTER });
      checkVersion(expected, entry?.meta.version ?? 0, ADAPTER);
      const time = entry ? touch(entry.meta) : now();
      const [fields, body] = build(entry, time, key);
      const meta = cleanMeta({ ...entry?.meta, updatedAt: time, ...fields, version: (entry?.meta.version ?? 0) + 1 } as ConversationMeta);
      saveEntry(s, keys, meta, body);
      return meta;
    });

  return {
    kind: 'local',
    persistent: false,

    async list(userId: string, opts?: ListOptions): Promise<ListPage> {
      assertUserId(userId);
      const { limit, after, updatedAfter } = parseListOptions(opts);
      return read((s) => {
        const metas: ConversationMeta[] = [];
        for (const id of readIndex(s, keys).get(userId) ?? []) {
          const key = entryKey(keys, userId, id);
          const raw = s.getItem(key);
          if (raw !== null) metas.push(parseHeader(key, raw).meta);
        }
        const all = metas
          .filter((m) => (updatedAfter === null || m.updatedAt > updatedAfter) && (after === null || compareForList(m, after) > 0))
          .sort(compareForList);
        const items = all.slice(0, limit);
        const last = items[items.length - 1];
        return { items, nextCursor: all.length > limit && last ? encodeCursor(last) : null };
      });
    },

    async get(userId: string, id: string): Promise<StoredConversation | null> {
      assertUserId(userId);
      assertConversationId(id);
      return read((s) => {
        const key = entryKey(keys, userId, id);
        const entry = readEntry(s, key);
        return entry ? { ...entry.meta, messages: parseMessages<Message>(key, entry) } : null;
      });
    },

    async upsert(raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
      const input = prepareInput(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      return change(
        input.userId,
        input.id,
        expected,
        (entry, time) => {
          const stored = entry?.lines ?? [];
          const start = firstChangedIndex(stored, input.messages);
          const lines = [...stored.slice(0, start), ...input.messages.slice(start).map((m) => m.json)];
          const updatedAt = input.updatedAt ?? time;
          const meta = entry?.meta;
          const fields = {
            id: input.id,
            userId: input.userId,
            title: resolveTitle(input.title, meta?.title, input.messages.map((m) => m.message)),
            messageCount: lines.length,
            model: input.model ?? meta?.model,
            provider: input.provider ?? meta?.provider,
            usage: input.usage ?? meta?.usage,
            metadata: input.metadata ?? meta?.metadata,
            createdAt: meta?.createdAt ?? input.createdAt ?? updatedAt,
            updatedAt,
          };
          return [fields, linesBody(lines)];
        },
        true, // create when missing
      );
    },

    async append(userId: string, id: string, raw: readonly MessageInput[], opts?: AppendOptions): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const prepared = prepareMessages(raw, { allowEmpty: false });
      const delta = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      return change(userId, id, expected, (entry, _time, key) => {
        const { meta, body } = entry!;
        const all = [...parseMessages<Message>(key, entry!), ...prepared.map((m) => m.message)];
        const ids = new Set<string>();
        for (const m of all) {
          if (ids.has(m.id)) throw new ConversationStoreError('CONFLICT', `message id "${m.id}" is already in conversation "${id}"`, { adapter: ADAPTER });
          ids.add(m.id);
        }
        const fields = { title: resolveTitle(undefined, meta.title, all), messageCount: all.length, usage: addUsage(meta.usage, delta) };
        return [fields, body + linesBody(prepared.map((m) => m.json))];
      });
    },

    async update(userId: string, id: string, raw: ConversationPatch, opts?: WriteOptions): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const patch = preparePatch(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      return change(userId, id, expected, (entry) => [patch, entry!.body]);
    },

    async delete(userId: string, id: string): Promise<boolean> {
      assertUserId(userId);
      assertConversationId(id);
      return write((s) => deleteEntry(s, keys, userId, id));
    },

    async deleteAll(userId: string): Promise<number> {
      assertUserId(userId);
      return write((s) => deleteUser(s, keys, userId));
    },

    subscribe(listener: (change: BrowserStoreChange) => void): () => void {
      const off = subscribeToStorage(area(), keys, listener);
      const unsubscribe = (): void => {
        off();
        unsubscribers.delete(unsubscribe);
      };
      unsubscribers.add(unsubscribe);
      return unsubscribe;
    },

    async close(): Promise<void> {
      for (const unsubscribe of [...unsubscribers]) unsubscribe();
    },
  };
}
