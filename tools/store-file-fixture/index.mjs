// @ts-check
// A third-party adapter, written the way an app or a company would write its own store outside this repo: one JSON
// file per backend, only core's public API. It proves that the open registry, the resolver, the conformance CLI and
// the agent-conversations CLI work with a kind that is not built in. Writes are serialised per file in this process
// and land with an atomic rename, so two instances over one file in one process see each other's writes.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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
  parseListOptions,
  prepareInput,
  prepareMessages,
  preparePatch,
  resolveTitle,
  upsertedMeta,
  parseWindowOptions,
  validateExpectedVersion,
  validateUsage,
  windowRange,
} from '@agent-conversations/core';

export const KIND = 'file';
/** @typedef {{ meta: import('@agent-conversations/core').ConversationMeta, messages: string[] }} FileRecord */
/** @typedef {Record<string, Record<string, FileRecord>>} FileData */

/** @type {Map<string, Promise<unknown>>} one queue per file, shared by every instance in this process */
const queues = new Map();

/** @param {string} path @returns {Promise<FileData>} */
async function load(path) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if (/** @type {{ code?: string }} */ (error).code === 'ENOENT') return {};
    throw error;
  }
}

/**
 * Runs `work` on the file's data after every earlier operation on the same file; saves when it returns `save: true`.
 * `io`, when given, is awaited first: the conformance suite's I/O hook, which makes each call a scheduling point.
 * @template T @param {string} path @param {(data: FileData) => { value: T, save?: boolean }} work
 * @param {((label: string) => Promise<void>) | undefined} io @returns {Promise<T>}
 */
async function withFile(path, work, io) {
  if (io) await io('file');
  const run = (queues.get(path) ?? Promise.resolve()).then(async () => {
    const data = await load(path);
    const { value, save } = work(data);
    if (save) {
      await writeFile(`${path}.tmp`, JSON.stringify(data));
      await rename(`${path}.tmp`, path);
    }
    return value;
  });
  queues.set(
    path,
    run.catch(() => undefined),
  );
  return run;
}

/** @param {FileData} data @param {string} userId @param {string} id */
function mustFind(data, userId, id) {
  const record = data[userId]?.[id];
  if (!record)
    throw new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, {
      adapter: KIND,
    });
  return record;
}

/** @param {{ path: string, now?: () => number, io?: (label: string) => Promise<void> }} options @returns {import('@agent-conversations/core').ConversationStore} */
export function createFileStore(options) {
  const path = resolve(options.path);
  const now = options.now ?? Date.now;
  /** @template T @param {(data: FileData) => { value: T, save?: boolean }} work */
  const withData = (work) => withFile(path, work, options.io);
  /** @param {FileRecord} record */
  const touch = (record) => Math.max(now(), record.meta.updatedAt);
  return {
    kind: KIND,
    persistent: true,
    list: async (userId, opts) => {
      assertUserId(userId);
      const { limit, after, updatedAfter } = parseListOptions(opts);
      return withData((data) => {
        const all = Object.values(data[userId] ?? {})
          .map((r) => r.meta)
          .filter(
            (m) =>
              (updatedAfter === null || m.updatedAt > updatedAfter) && (after === null || compareForList(m, after) > 0),
          )
          .sort(compareForList);
        const items = all.slice(0, limit);
        const last = items[items.length - 1];
        return { value: { items, nextCursor: all.length > limit && last ? encodeCursor(last) : null } };
      });
    },
    get: async (userId, id) => {
      assertUserId(userId);
      assertConversationId(id);
      return withData((data) => {
        const record = data[userId]?.[id];
        return { value: record ? { ...record.meta, messages: record.messages.map((json) => JSON.parse(json)) } : null };
      });
    },
    window: async (userId, id, opts) => {
      assertUserId(userId);
      assertConversationId(id);
      const parsed = parseWindowOptions(opts);
      return withData((data) => {
        const record = data[userId]?.[id];
        if (!record) return { value: null };
        const { start, end, nextCursor } = windowRange(record.messages.length, parsed);
        return {
          value: {
            meta: record.meta,
            messages: record.messages.slice(start, end).map((json) => JSON.parse(json)),
            nextCursor,
          },
        };
      });
    },
    upsert: async (raw, opts) => {
      const input = prepareInput(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      return withData((data) => {
        const existing = data[input.userId]?.[input.id];
        checkVersion(expected, existing?.meta.version ?? 0, KIND);
        const stored = existing?.messages ?? [];
        const start = firstChangedIndex(stored, input.messages);
        const messages = [...stored.slice(0, start), ...input.messages.slice(start).map((m) => m.json)];
        const meta = upsertedMeta(input, existing?.meta, input.updatedAt ?? (existing ? touch(existing) : now()));
        (data[input.userId] ??= {})[input.id] = { meta, messages };
        return { value: meta, save: true };
      });
    },
    append: async (userId, id, raw, opts) => {
      assertUserId(userId);
      assertConversationId(id);
      const prepared = prepareMessages(raw, { allowEmpty: false });
      const delta = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      return withData((data) => {
        const record = mustFind(data, userId, id);
        checkVersion(expected, record.meta.version, KIND);
        const stored = record.messages.map((json) => JSON.parse(json));
        const ids = new Set(stored.map((m) => m.id));
        const dup = prepared.find((m) => ids.has(m.message.id));
        if (dup)
          throw new ConversationStoreError(
            'CONFLICT',
            `message id "${dup.message.id}" is already in conversation "${id}"`,
            { adapter: KIND },
          );
        record.messages.push(...prepared.map((m) => m.json));
        const title = resolveTitle(undefined, record.meta.title, [...stored, ...prepared.map((m) => m.message)]);
        record.meta = cleanMeta({
          ...record.meta,
          title,
          messageCount: record.messages.length,
          usage: addUsage(record.meta.usage, delta),
          updatedAt: touch(record),
          version: record.meta.version + 1,
        });
        return { value: record.meta, save: true };
      });
    },
    update: async (userId, id, raw, opts) => {
      assertUserId(userId);
      assertConversationId(id);
      const patch = preparePatch(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      return withData((data) => {
        const record = mustFind(data, userId, id);
        checkVersion(expected, record.meta.version, KIND);
        record.meta = cleanMeta({
          ...record.meta,
          ...patch,
          updatedAt: touch(record),
          version: record.meta.version + 1,
        });
        return { value: record.meta, save: true };
      });
    },
    delete: async (userId, id) => {
      assertUserId(userId);
      assertConversationId(id);
      return withData((data) => {
        const found = data[userId]?.[id] !== undefined;
        if (found) delete data[userId]?.[id];
        return { value: found, save: found };
      });
    },
    deleteAll: async (userId) => {
      assertUserId(userId);
      return withData((data) => {
        const count = Object.keys(data[userId] ?? {}).length;
        delete data[userId];
        return { value: count, save: count > 0 };
      });
    },
    listUsers: async (opts) => {
      const limit = opts?.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new ConversationStoreError('VALIDATION', 'limit must be an integer from 1 to 1000', { adapter: KIND });
      return withData((data) => {
        const all = Object.keys(data)
          .filter((u) => Object.keys(data[u] ?? {}).length > 0 && (opts?.cursor === undefined || u > opts.cursor))
          .sort();
        const items = all.slice(0, limit);
        return {
          value: { items, nextCursor: all.length > limit ? /** @type {string} */ (items[items.length - 1]) : null },
        };
      });
    },
    close: async () => undefined,
  };
}

/** The adapter: configured by FILE_STORE_PATH, joins auto last (after every built-in backend, before memory). @type {import('@agent-conversations/core').StoreAdapter} */
export const fileAdapter = {
  kind: KIND,
  packageName: 'acme-file-store',
  auto: 'last',
  variables: ['FILE_STORE_PATH'],
  detect: (_config, { env }) =>
    env.FILE_STORE_PATH
      ? { available: true, reason: `FILE_STORE_PATH is set (${env.FILE_STORE_PATH})` }
      : { available: false, reason: 'FILE_STORE_PATH is not set' },
  create: (_config, { env }) => createFileStore({ path: /** @type {string} */ (env.FILE_STORE_PATH) }),
};
