import {
  addUsage,
  assertConversationId,
  assertUserId,
  checkVersion,
  cleanMeta,
  compareForList,
  encodeCursor,
  isConversationStoreError,
  parseListOptions,
  parseWindowOptions,
  prepareInput,
  prepareMessages,
  preparePatch,
  resolveTitle,
  validateExpectedVersion,
  validateUsage,
  windowRange,
  type AppendOptions,
  type ConversationInput,
  type ConversationMeta,
  type ConversationPatch,
  type ConversationStore,
  type ListOptions,
  type ListPage,
  type Message,
  type MessageWindow,
  type MessageInput,
  type StoredConversation,
  type WindowOptions,
  type WriteOptions,
} from '@agent-conversations/core';
import {
  ADAPTER,
  entryKey,
  storeError,
  parseHeader,
  parseMessages,
  readEntry,
  serializeEntry,
  userPrefix,
  type Entry,
  type Keys,
} from './layout.js';
import { defaultStorage, keysWith, writeItem, type StorageLike } from './storage.js';
import { createTabLock, type LockManagerLike } from './tab-lock.js';
import { subscribeToStorage, type BrowserStoreChange } from './subscribe.js';
import { upsertLines } from './upsert-lines.js';

/** Options of {@link createBrowserStore}. */
export interface BrowserStoreOptions {
  /** Where history is kept; defaults to `localStorage`, looked up on first use. `sessionStorage` or any Storage-like object works. */
  storage?: StorageLike;
  /** Prefix of every key, so several apps or tests can share one origin: 1-64 of `A-Z a-z 0-9 _ . -`. Default `agent-conversations`. */
  namespace?: string;
  /** Serialize writes across tabs with Web Locks; default true for `localStorage`, false for any other storage (per-tab sessionStorage, wrappers). */
  crossTab?: boolean;
  /** The lock manager `crossTab` uses; default `navigator.locks`. A wrapper can observe or delay each write's lock request (tests). */
  locks?: LockManagerLike;
  /** Clock for timestamps (tests). Defaults to Date.now. */
  now?: () => number;
}

/** The local store: a ConversationStore over Web Storage that also reports changes made in other tabs. */
export interface BrowserConversationStore<M extends MessageInput = Message> extends ConversationStore<M> {
  readonly kind: 'local';
  /** The newest `limit` messages (default 50), or those just older than `before`; only that window's messages are parsed. */
  window(userId: string, id: string, options?: WindowOptions): Promise<MessageWindow<M> | null>;
  /** Calls `listener` for every conversation another tab saves or deletes (the `storage` event); returns the unsubscribe function. */
  subscribe(listener: (change: BrowserStoreChange) => void): () => void;
}

/** The namespace used when none is given. */
export const DEFAULT_NAMESPACE = 'agent-conversations';

/** Creates the browser store over localStorage (or `options.storage`); touches no storage until the first call. */
export function createBrowserStore<M extends MessageInput = Message>(
  options?: BrowserStoreOptions,
): BrowserConversationStore<M>;
export function createBrowserStore(options?: BrowserStoreOptions): BrowserConversationStore;
export function createBrowserStore(options: BrowserStoreOptions = {}): BrowserConversationStore {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (typeof namespace !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(namespace)) {
    throw storeError('CONFIG', 'namespace must be 1-64 letters, digits, _ . or -');
  }
  const keys: Keys = { entry: `${namespace}:c:`, lock: `${namespace}:write`, seq: `${namespace}:seq` };
  const now = options.now ?? Date.now;
  let storage = options.storage;
  const subscriptions = new Set<() => void>();

  const area = (): StorageLike => (storage ??= defaultStorage());
  const locked = createTabLock(area, keys, options.crossTab, options.locks);
  // Runs a section under the tab lock unless it only reads. Anything else a storage object or the lock manager throws
  // still reaches the caller as a ConversationStoreError.
  const run = async <T>(section: (s: StorageLike) => T, lock = true): Promise<T> => {
    try {
      return await (lock ? locked(() => section(area())) : section(area()));
    } catch (error) {
      throw isConversationStoreError(error)
        ? error
        : storeError('STORAGE', `browser storage failed: ${String(error)}`, error);
    }
  };
  // Checks expectedVersion, then does one read-check-write of a conversation under the lock;
  // `build` returns the changed fields and the message lines.
  type Build = (entry: Entry | null, time: number) => [Partial<ConversationMeta>, string[]];
  const change = (
    userId: string,
    id: string,
    opts: WriteOptions | undefined,
    build: Build,
    create = false,
  ): Promise<ConversationMeta> => {
    const expected = validateExpectedVersion(opts?.expectedVersion);
    return run((s) => {
      const entry = readEntry(s, entryKey(keys, userId, id));
      if (!entry && !create) throw storeError('NOT_FOUND', `conversation "${id}" does not exist for this user`);
      const version = entry?.meta.version ?? 0;
      const time = entry ? Math.max(now(), entry.meta.updatedAt) : now();
      const [fields, lines] = build(entry, time); // an upsert's messages are checked here: VALIDATION comes before CONFLICT
      checkVersion(expected, version, ADAPTER);
      const meta = cleanMeta({ ...entry?.meta, updatedAt: time, ...fields, version: version + 1 } as ConversationMeta);
      writeItem(s, entryKey(keys, userId, id), serializeEntry(meta, lines), `conversation "${id}"`); // one write: a crash leaves the old value or the new
      return meta;
    });
  };

  return {
    kind: 'local',
    persistent: false,

    async list(userId: string, opts?: ListOptions): Promise<ListPage> {
      assertUserId(userId);
      const { limit, after, updatedAfter } = parseListOptions(opts);
      return run((s) => {
        const all = keysWith(s, userPrefix(keys, userId))
          .map((key) => parseHeader(key, s.getItem(key)!))
          .filter(
            (m) =>
              (updatedAfter === null || m.updatedAt > updatedAfter) && (after === null || compareForList(m, after) > 0),
          )
          .sort(compareForList);
        const items = all.slice(0, limit);
        return { items, nextCursor: all.length > limit ? encodeCursor(items[limit - 1]!) : null };
      }, false);
    },

    async get(userId: string, id: string): Promise<StoredConversation | null> {
      assertUserId(userId);
      assertConversationId(id);
      return run((s) => {
        const entry = readEntry(s, entryKey(keys, userId, id));
        return entry && { ...entry.meta, messages: parseMessages<Message>(entry) };
      }, false);
    },

    async window(userId: string, id: string, opts?: WindowOptions): Promise<MessageWindow | null> {
      assertUserId(userId);
      assertConversationId(id);
      const parsed = parseWindowOptions(opts);
      return run((s) => {
        const entry = readEntry(s, entryKey(keys, userId, id));
        if (!entry) return null;
        const { start, end, nextCursor } = windowRange(entry.lines.length, parsed);
        return {
          meta: entry.meta,
          messages: parseMessages<Message>({ ...entry, lines: entry.lines.slice(start, end) }),
          nextCursor,
        };
      }, false);
    },

    async upsert(raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
      // The fields now (prepareInput given no messages); the messages in the write section, against the stored lines.
      const { messages: _, ...given } = prepareInput(
        Object.getPrototypeOf(raw ?? 0) === Object.prototype ? { ...raw, messages: [] } : raw,
      );
      return change(
        given.userId,
        given.id,
        opts,
        (entry, time) => {
          const lines = upsertLines(raw.messages, entry?.lines ?? []);
          const messages = raw.messages as Message[];
          const meta = entry?.meta;
          const updatedAt = given.updatedAt ?? time;
          // Given model, provider, usage and metadata replace the stored ones; cleanMeta drops those not given.
          const fields = {
            ...cleanMeta(given as ConversationMeta),
            title: resolveTitle(given.title, meta?.title, messages),
            messageCount: messages.length,
            createdAt: meta?.createdAt ?? given.createdAt ?? updatedAt,
            updatedAt,
          };
          // localStorage rewrites the whole value, so the lines are simply the given messages.
          return [fields, lines];
        },
        true, // create when missing
      );
    },

    async append(
      userId: string,
      id: string,
      raw: readonly MessageInput[],
      opts?: AppendOptions,
    ): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const prepared = prepareMessages(raw, { allowEmpty: false });
      const delta = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
      return change(userId, id, opts, (entry) => {
        const { meta, lines } = entry!;
        const all = [...parseMessages<Message>(entry!), ...prepared.map((m) => m.message)];
        const ids = new Set<string>();
        for (const m of all) {
          if (ids.has(m.id)) throw storeError('CONFLICT', `message id "${m.id}" is already in conversation "${id}"`);
          ids.add(m.id);
        }
        const fields = {
          title: resolveTitle(undefined, meta.title, all),
          messageCount: all.length,
          usage: addUsage(meta.usage, delta),
        };
        return [fields, [...lines, ...prepared.map((m) => m.json)]];
      });
    },

    async update(userId: string, id: string, raw: ConversationPatch, opts?: WriteOptions): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const patch = preparePatch(raw);
      return change(userId, id, opts, (entry) => [patch, entry!.lines]);
    },

    async delete(userId: string, id: string): Promise<boolean> {
      assertUserId(userId);
      assertConversationId(id);
      const key = entryKey(keys, userId, id);
      return run((s) => {
        const existed = s.getItem(key) !== null;
        s.removeItem(key);
        return existed;
      });
    },

    async deleteAll(userId: string): Promise<number> {
      assertUserId(userId);
      return run((s) => {
        const doomed = keysWith(s, userPrefix(keys, userId));
        for (const key of doomed) s.removeItem(key);
        return doomed.length;
      });
    },

    subscribe(listener: (change: BrowserStoreChange) => void): () => void {
      const off = subscribeToStorage(area(), keys, listener);
      subscriptions.add(off);
      return () => {
        off();
        subscriptions.delete(off);
      };
    },

    async close(): Promise<void> {
      for (const off of subscriptions) off();
      subscriptions.clear();
    },
  };
}
