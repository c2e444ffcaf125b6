import {
  addUsage,
  assertConversationId,
  assertUtf8UserId,
  cleanMeta,
  ConversationStoreError,
  DEFAULT_TITLE,
  firstChangedIndex,
  prepareMessages,
  preparePatch,
  resolveTitle,
  scanInput,
  scanMessages,
  upsertedMeta,
  validateExpectedVersion,
  validateUsage,
  type AppendOptions,
  type ConversationInput,
  type ConversationMeta,
  type ConversationPatch,
  type Message,
  type MessageInput,
  type WriteOptions,
} from '@agent-conversations/core';
import { write } from './commit.js';
import { readMessages, type StoreInternals } from './context.js';
import { ADAPTER } from './errors.js';
import { KIND } from './queries.js';
import { headRow, metaOf, row, tombstone, type Head, type Row, type Snapshot } from './state.js';

function notFound(id: string): ConversationStoreError {
  return new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, { adapter: ADAPTER });
}

function mustExist(state: Snapshot, id: string): Head {
  if (!state.head) throw notFound(id);
  return state.head;
}

/**
 * Where an upsert's list first differs from the stored one, and which stored ids it drops: from the digests on the head
 * when the stored list is the start of the given one (the usual turn) or differs only in its last message (a streamed
 * reply), else by reading the stored messages and comparing their JSON.
 */
async function changes(ctx: StoreInternals, userId: string, head: Head, messages: readonly Message[], digests: Float64Array, ids: readonly string[]): Promise<{ start: number; dropped: string[] }> {
  const n = head.messageCount;
  const kept = (start: number, stored: readonly string[]) => {
    const rewritten = new Set(ids.slice(start));
    return { start, dropped: stored.filter((id) => !rewritten.has(id)) };
  };
  if (n <= messages.length && digests[n] === head.chain[1]) return { start: n, dropped: [] };
  if (n >= 1 && n - 1 <= messages.length && digests[n - 1] === head.chain[0]) return kept(n - 1, head.tail === null ? [] : [head.tail]);
  const stored = await readMessages(ctx, userId, head.id, true);
  const start = firstChangedIndex(
    stored.map((m) => m.body ?? ''),
    messages.slice(0, stored.length).map((m) => ({ json: JSON.stringify(m) }) as never),
  );
  return kept(start, stored.slice(start).map((m) => m.row_id));
}

/** Message rows for `jsons` from position `start`, numbered after `lastSeq`. */
function messageRows(userId: string, id: string, slot: number, time: number, lastSeq: number, jsons: readonly string[], ids: readonly string[]): Row[] {
  return jsons.map((json, i) => row(userId, id, KIND.message, ids[i]!, slot, { seq: lastSeq + 1 + i, updated_at: time, body: json }));
}

/**
 * Creates or replaces the message list, writing only from the first changed message on, in one INSERT. The list is
 * validated by core's scanMessages, which serializes nothing: only the messages written are turned into JSON.
 */
export async function upsert(ctx: StoreInternals, raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
  const input = scanInput(raw);
  assertUtf8UserId(input.userId, 'ClickHouse');
  const expected = validateExpectedVersion(opts?.expectedVersion);
  const { userId, id } = input;
  const { messages, digests } = input.messages;
  const ids = messages.map((m) => m.id);
  return write(ctx, userId, id, {
    what: 'saving a conversation',
    expectedVersion: expected,
    landed: (head) => metaOf(userId, head),
    async plan(state, slot, writeId) {
      const stored = state.head;
      const now = ctx.now();
      const time = input.updatedAt ?? (stored ? Math.max(now, stored.updatedAt) : now);
      const { start, dropped } = stored ? await changes(ctx, userId, stored, messages, digests, ids) : { start: 0, dropped: [] };
      const lastSeq = stored?.lastSeq ?? 0;
      const meta = upsertedMeta(input, stored ? metaOf(userId, stored) : undefined, time);
      const m = messages.length;
      const head: Head = { ...headFields(meta), slot, writeId, lastSeq: lastSeq + m - start, chain: [m > 0 ? digests[m - 1]! : 0, digests[m]!], tail: ids[m - 1] ?? null };
      const jsons = messages.slice(start).map((message) => JSON.stringify(message));
      const rows = [...dropped.map((gone) => tombstone(userId, id, KIND.message, gone, slot)), ...messageRows(userId, id, slot, time, lastSeq, jsons, ids.slice(start)), headRow(userId, head)];
      return { rows, head, ids: new Set(ids), result: meta };
    },
  });
}

function headFields(meta: ConversationMeta): Omit<Head, 'slot' | 'writeId' | 'lastSeq' | 'chain' | 'tail'> {
  const { userId: _user, ...fields } = meta;
  return fields;
}

/** Adds messages and a usage delta after the last message, in one INSERT. */
export async function append(ctx: StoreInternals, userId: string, id: string, raw: readonly MessageInput[], opts?: AppendOptions): Promise<ConversationMeta> {
  assertUtf8UserId(userId, 'ClickHouse');
  assertConversationId(id);
  const prepared = prepareMessages(raw, { allowEmpty: false });
  const delta = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
  const expected = validateExpectedVersion(opts?.expectedVersion);
  const jsons = prepared.map((m) => m.json);
  const ids = prepared.map((m) => m.message.id);
  return write(ctx, userId, id, {
    what: 'appending messages',
    existing: true,
    expectedVersion: expected,
    ids,
    landed: (head) => metaOf(userId, head),
    async plan(state, slot, writeId) {
      const stored = mustExist(state, id);
      const dup = ids.find((m) => state.ids.has(m));
      if (dup !== undefined) throw new ConversationStoreError('CONFLICT', `message id "${dup}" is already in conversation "${id}"`, { adapter: ADAPTER });
      let title = stored.title;
      if (title === DEFAULT_TITLE) {
        const existing = stored.messageCount > 0 ? (await readMessages(ctx, userId, id, true)).map((m) => JSON.parse(m.body ?? 'null') as Message) : [];
        title = resolveTitle(undefined, title, [...existing, ...prepared.map((m) => m.message)]);
      }
      const time = Math.max(ctx.now(), stored.updatedAt);
      const { digests } = scanMessages(
        prepared.map((m) => m.message),
        stored.chain[1],
      );
      const meta = cleanMeta({ ...metaOf(userId, stored), title, messageCount: stored.messageCount + ids.length, usage: addUsage(stored.usage, delta), updatedAt: time, version: stored.version + 1 });
      const head: Head = { ...headFields(meta), slot, writeId, lastSeq: stored.lastSeq + ids.length, chain: [digests[digests.length - 2]!, digests[digests.length - 1]!], tail: ids[ids.length - 1]! };
      const rows = [...messageRows(userId, id, slot, time, stored.lastSeq, jsons, ids), headRow(userId, head)];
      return { rows, head, ids: state.allIds ? new Set([...state.ids, ...ids]) : undefined, result: meta };
    },
  });
}

/** Writes a new head with the patch applied. */
export async function update(ctx: StoreInternals, userId: string, id: string, raw: ConversationPatch, opts?: WriteOptions): Promise<ConversationMeta> {
  assertUtf8UserId(userId, 'ClickHouse');
  assertConversationId(id);
  const patch = preparePatch(raw);
  const expected = validateExpectedVersion(opts?.expectedVersion);
  return write(ctx, userId, id, {
    what: 'updating a conversation',
    existing: true,
    expectedVersion: expected,
    landed: (head) => metaOf(userId, head),
    plan(state, slot, writeId) {
      const stored = mustExist(state, id);
      const meta = cleanMeta({ ...metaOf(userId, stored), ...patch, updatedAt: Math.max(ctx.now(), stored.updatedAt), version: stored.version + 1 });
      const head: Head = { ...stored, ...headFields(meta), slot, writeId };
      for (const key of ['model', 'provider', 'usage', 'metadata'] as const) if (meta[key] === undefined) delete head[key];
      return { rows: [headRow(userId, head)], head, ids: state.allIds ? state.ids : undefined, result: meta };
    },
  });
}

/** Tombstones the head and every message in one INSERT; false when there was nothing to delete. */
export async function remove(ctx: StoreInternals, userId: string, id: string): Promise<boolean> {
  return write(ctx, userId, id, {
    what: 'deleting a conversation',
    landed: () => true,
    noop: (state) => (state.head ? undefined : false),
    async plan(_state, slot) {
      const messages = await readMessages(ctx, userId, id, false);
      const rows = [...messages.map((m) => tombstone(userId, id, KIND.message, m.row_id, slot)), tombstone(userId, id, KIND.head, '', slot)];
      return { rows, head: null, ids: new Set(), result: true };
    },
  });
}
