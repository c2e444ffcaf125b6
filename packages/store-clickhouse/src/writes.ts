import {
  addUsage,
  assertConversationId,
  assertUtf8UserId,
  cleanMeta,
  ConversationStoreError,
  DEFAULT_TITLE,
  firstChangedIndex,
  prepareInput,
  prepareMessages,
  preparePatch,
  resolveTitle,
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
import { chainOf, headRow, metaOf, row, tombstone, type Head, type Row, type Snapshot } from './state.js';

function notFound(id: string): ConversationStoreError {
  return new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, { adapter: ADAPTER });
}

function mustExist(state: Snapshot, id: string): Head {
  if (!state.head) throw notFound(id);
  return state.head;
}

/** Where an upsert's list first differs from the stored one, and which stored ids it drops: from the head's chain hashes when the prefix is unchanged (the usual turn), else by reading the stored messages. */
async function changes(ctx: StoreInternals, userId: string, head: Head, jsons: string[], ids: string[], links: string[]): Promise<{ start: number; dropped: string[] }> {
  const n = head.messageCount;
  const kept = (start: number, stored: readonly string[]) => {
    const rewritten = new Set(ids.slice(start));
    return { start, dropped: stored.filter((id) => !rewritten.has(id)) };
  };
  if (n <= jsons.length && links[n] === head.chain[1]) return { start: n, dropped: [] };
  if (n >= 1 && n - 1 <= jsons.length && links[n - 1] === head.chain[0]) return kept(n - 1, head.tail === null ? [] : [head.tail]);
  const stored = await readMessages(ctx, userId, head.id, true);
  const start = firstChangedIndex(
    stored.map((m) => m.body ?? ''),
    jsons.map((json) => ({ json }) as never),
  );
  return kept(start, stored.slice(start).map((m) => m.row_id));
}

/** Message rows for `jsons` from position `start`, numbered after `lastSeq`. */
function messageRows(userId: string, id: string, slot: number, time: number, lastSeq: number, jsons: readonly string[], ids: readonly string[]): Row[] {
  return jsons.map((json, i) => row(userId, id, KIND.message, ids[i]!, slot, { seq: lastSeq + 1 + i, updated_at: time, body: json }));
}

/** Creates or replaces the message list, writing only from the first changed message on, in one INSERT. */
export async function upsert(ctx: StoreInternals, raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
  const input = prepareInput(raw);
  assertUtf8UserId(input.userId, 'ClickHouse');
  const expected = validateExpectedVersion(opts?.expectedVersion);
  const { userId, id } = input;
  const jsons = input.messages.map((m) => m.json);
  const ids = input.messages.map((m) => m.message.id);
  const links = chainOf(jsons);
  return write(ctx, userId, id, {
    what: 'saving a conversation',
    expectedVersion: expected,
    landed: (head) => metaOf(userId, head),
    async plan(state, slot, writeId) {
      const stored = state.head;
      const now = ctx.now();
      const time = input.updatedAt ?? (stored ? Math.max(now, stored.updatedAt) : now);
      const { start, dropped } = stored ? await changes(ctx, userId, stored, jsons, ids, links) : { start: 0, dropped: [] };
      const lastSeq = stored?.lastSeq ?? 0;
      const meta = upsertedMeta(input, stored ? metaOf(userId, stored) : undefined, time);
      const m = jsons.length;
      const head: Head = { ...headFields(meta), slot, writeId, lastSeq: lastSeq + m - start, chain: [m > 0 ? links[m - 1]! : '', links[m]!], tail: ids[m - 1] ?? null };
      const rows = [
        ...dropped.map((gone) => tombstone(userId, id, KIND.message, gone, slot)),
        ...messageRows(userId, id, slot, time, lastSeq, jsons.slice(start), ids.slice(start)),
        headRow(userId, head),
      ];
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
      const links = chainOf(jsons, stored.chain[1]);
      const meta = cleanMeta({ ...metaOf(userId, stored), title, messageCount: stored.messageCount + ids.length, usage: addUsage(stored.usage, delta), updatedAt: time, version: stored.version + 1 });
      const head: Head = { ...headFields(meta), slot, writeId, lastSeq: stored.lastSeq + ids.length, chain: [links[links.length - 2]!, links[links.length - 1]!], tail: ids[ids.length - 1]! };
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
