import { addUsage, cleanMeta, compareForList, firstChangedIndex, resolveTitle, upsertedMeta } from './conversation.js';
import { ConversationStoreError } from './errors.js';
import { encodeCursor, parseListOptions } from './list.js';
import type {
  AppendOptions,
  ConversationInput,
  ConversationMeta,
  ConversationPatch,
  ConversationStore,
  ListOptions,
  ListPage,
  Message,
  MessageInput,
  StoredConversation,
  WriteOptions,
} from './types.js';
import { scanInput, scanMessages } from './scan.js';
import type { MessageWindow, WindowOptions } from './types.js';
import { parseWindowOptions, windowRange } from './window.js';
import {
  assertConversationId,
  assertUserId,
  prepareMessage,
  prepareMessages,
  preparePatch,
  validateExpectedVersion,
  validateUsage,
} from './validation.js';

interface MemoryRecord {
  meta: ConversationMeta;
  /** Message JSON in sequence order. */
  messages: string[];
  /** scanMessages' digest of all the messages: an upsert whose list starts with them compares this one number. */
  digest: number;
}

/** Options of the in-process store. */
export interface MemoryStoreOptions {
  /** Clock for timestamps (tests). Defaults to Date.now. */
  now?: () => number;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Throws CONFLICT unless `expected` is undefined or equals the current version (0 when missing). */
export function checkVersion(expected: number | undefined, current: number, adapter: string): void {
  if (expected !== undefined && expected !== current) {
    throw new ConversationStoreError(
      'CONFLICT',
      `expected version ${expected} but the conversation is at version ${current}; reload it and retry`,
      { adapter },
    );
  }
}

/** Ephemeral in-process store for development and tests; lost on restart and refused by the resolver in production. */
export function createMemoryStore<M extends MessageInput = Message>(options?: MemoryStoreOptions): ConversationStore<M>;
export function createMemoryStore(options?: MemoryStoreOptions): ConversationStore;
export function createMemoryStore(options: MemoryStoreOptions = {}): ConversationStore {
  const now = options.now ?? Date.now;
  const users = new Map<string, Map<string, MemoryRecord>>();
  const conversations = (userId: string): Map<string, MemoryRecord> => {
    let map = users.get(userId);
    if (!map) users.set(userId, (map = new Map()));
    return map;
  };
  const find = (userId: string, id: string): MemoryRecord | undefined => users.get(userId)?.get(id);
  const mustFind = (userId: string, id: string): MemoryRecord => {
    const record = find(userId, id);
    if (!record)
      throw new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, {
        adapter: 'memory',
      });
    return record;
  };
  const touch = (record: MemoryRecord): number => Math.max(now(), record.meta.updatedAt);

  return {
    kind: 'memory',
    persistent: false,

    async list(userId: string, opts?: ListOptions): Promise<ListPage> {
      assertUserId(userId);
      const { limit, after, updatedAfter } = parseListOptions(opts);
      const all = [...(users.get(userId)?.values() ?? [])]
        .map((r) => r.meta)
        .filter((m) => updatedAfter === null || m.updatedAt > updatedAfter)
        .filter((m) => after === null || compareForList(m, after) > 0)
        .sort(compareForList);
      const items = all.slice(0, limit).map((m) => clone(m));
      const last = items[items.length - 1];
      return { items, nextCursor: all.length > limit && last ? encodeCursor(last) : null };
    },

    async get(userId: string, id: string): Promise<StoredConversation | null> {
      assertUserId(userId);
      assertConversationId(id);
      const record = find(userId, id);
      if (!record) return null;
      return { ...clone(record.meta), messages: record.messages.map((json) => JSON.parse(json) as Message) };
    },

    async window(userId: string, id: string, opts?: WindowOptions): Promise<MessageWindow | null> {
      assertUserId(userId);
      assertConversationId(id);
      const parsed = parseWindowOptions(opts);
      const record = find(userId, id);
      if (!record) return null;
      const { start, end, nextCursor } = windowRange(record.messages.length, parsed);
      return {
        meta: clone(record.meta),
        messages: record.messages.slice(start, end).map((json) => JSON.parse(json) as Message),
        nextCursor,
      };
    },

    async upsert(raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
      const input = scanInput(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const existing = find(input.userId, input.id);
      checkVersion(expected, existing?.meta.version ?? 0, 'memory');
      const { messages: given, digests } = input.messages;
      const stored = existing?.messages ?? [];
      // The stored messages are the start of the given list when the digests agree; else compare message by message.
      const start =
        !existing || digests[stored.length] === existing.digest
          ? stored.length
          : firstChangedIndex(stored, prepareMessages(given));
      const messages = [...stored.slice(0, start), ...given.slice(start).map((m) => prepareMessage(m).json)];
      const time = input.updatedAt ?? (existing ? touch(existing) : now());
      const meta = upsertedMeta(input, existing?.meta, time);
      conversations(input.userId).set(input.id, { meta, messages, digest: digests[given.length]! });
      return clone(meta);
    },

    async append(userId: string, id: string, raw: MessageInput[], opts?: AppendOptions): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const prepared = prepareMessages(raw, { allowEmpty: false });
      const delta = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const record = mustFind(userId, id);
      checkVersion(expected, record.meta.version, 'memory');
      const stored = record.messages.map((json) => JSON.parse(json) as Message);
      const ids = new Set(stored.map((m) => m.id));
      const dup = prepared.find((m) => ids.has(m.message.id));
      if (dup)
        throw new ConversationStoreError(
          'CONFLICT',
          `message id "${dup.message.id}" is already in conversation "${id}"`,
          { adapter: 'memory' },
        );
      const messages = [...record.messages, ...prepared.map((m) => m.json)];
      record.meta = cleanMeta({
        ...record.meta,
        title: resolveTitle(undefined, record.meta.title, [...stored, ...prepared.map((m) => m.message)]),
        messageCount: messages.length,
        usage: addUsage(record.meta.usage, delta),
        updatedAt: touch(record),
        version: record.meta.version + 1,
      });
      record.messages = messages;
      record.digest = scanMessages(raw, record.digest).digests[messages.length - stored.length]!;
      return clone(record.meta);
    },

    async update(userId: string, id: string, raw: ConversationPatch, opts?: WriteOptions): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const patch = preparePatch(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const record = mustFind(userId, id);
      checkVersion(expected, record.meta.version, 'memory');
      record.meta = cleanMeta({ ...record.meta, ...patch, updatedAt: touch(record), version: record.meta.version + 1 });
      return clone(record.meta);
    },

    async delete(userId: string, id: string): Promise<boolean> {
      assertUserId(userId);
      assertConversationId(id);
      return users.get(userId)?.delete(id) ?? false;
    },

    async deleteAll(userId: string): Promise<number> {
      assertUserId(userId);
      const count = users.get(userId)?.size ?? 0;
      users.delete(userId);
      return count;
    },

    async listUsers(opts?: {
      limit?: number;
      cursor?: string;
    }): Promise<{ items: string[]; nextCursor: string | null }> {
      const limit = opts?.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new ConversationStoreError('VALIDATION', 'limit must be an integer from 1 to 1000', {
          adapter: 'memory',
        });
      const all = [...users.keys()]
        .filter((u) => (users.get(u)?.size ?? 0) > 0 && (opts?.cursor === undefined || u > opts.cursor))
        .sort();
      const items = all.slice(0, limit);
      return { items, nextCursor: all.length > limit ? items[items.length - 1]! : null };
    },

    async close(): Promise<void> {
      // Nothing to release: the data lives as long as this object.
    },
  };
}
