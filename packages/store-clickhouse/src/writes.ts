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
  return new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, {
    adapter: ADAPTER,
  });
}

function mustExist(state: Snapshot, id: string): Head {
  if (!state.head) throw notFound(id);
  return state.head;
}

/**
 * The position where an upsert's list first differs from the stored one: from the digests on the head when the stored
 * list is the start of the given one (the usual turn) or differs only in its last message (a streamed reply), else by
 * reading the stored messages and comparing their JSON.
 */
async function firstChange(
  ctx: StoreInternals,
  userId: string,
  head: Head,
  messages: readonly Message[],
  digests: Float64Array,
): Promise<number> {
  const n = head.messageCount;
  if (n <= messages.length && digests[n] === head.chain[1]) return n;
  if (n >= 1 && n - 1 <= messages.length && digests[n - 1] === head.chain[0]) return n - 1;
  const stored = await readMessages(ctx, userId, head.id, true);
  return firstChangedIndex(
    stored.map((m) => m.body ?? ''),
    messages.slice(0, stored.length).map((m) => ({ json: JSON.stringify(m) }) as never),
  );
}

/** Message rows for `jsons` at positions `start`, `start + 1`, ... (replacing whatever those positions held). */
function messageRows(
  userId: string,
  id: string,
  slot: number,
  time: number,
  start: number,
  jsons: readonly string[],
  ids: readonly string[],
): Row[] {
  return jsons.map((json, i) =>
    row(userId, id, KIND.message, start + i, slot, { message_id: ids[i]!, updated_at: time, body: json }),
  );
}

/** Tombstones for positions [from, to): what is left of a longer list. */
function dropped(userId: string, id: string, slot: number, from: number, to: number): Row[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => tombstone(userId, id, KIND.message, from + i, slot));
}

/**
 * Creates or replaces the message list, writing only from the first changed message on, in one INSERT. The list is
 * validated by core's scanMessages, which serializes nothing: only the messages written are turned into JSON.
 */
export async function upsert(
  ctx: StoreInternals,
  raw: ConversationInput,
  opts?: WriteOptions,
): Promise<ConversationMeta> {
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
      const start = stored ? await firstChange(ctx, userId, stored, messages, digests) : 0;
      const meta = upsertedMeta(input, stored ? metaOf(userId, stored) : undefined, time);
      const m = messages.length;
      const head: Head = { ...headFields(meta), slot, writeId, chain: [m > 0 ? digests[m - 1]! : 0, digests[m]!] };
      const jsons = messages.slice(start).map((message) => JSON.stringify(message));
      const rows = [
        ...messageRows(userId, id, slot, time, start, jsons, ids.slice(start)),
        ...dropped(userId, id, slot, m, stored?.messageCount ?? 0),
        headRow(userId, head),
      ];
      return { rows, head, ids: new Set(ids), result: meta };
    },
  });
}

function headFields(meta: ConversationMeta): Omit<Head, 'slot' | 'writeId' | 'chain'> {
  const { userId: _user, ...fields } = meta;
  return fields;
}

/** Adds messages and a usage delta after the last message, in one INSERT. */
export async function append(
  ctx: StoreInternals,
  userId: string,
  id: string,
  raw: readonly MessageInput[],
  opts?: AppendOptions,
): Promise<ConversationMeta> {
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
      if (dup !== undefined)
        throw new ConversationStoreError('CONFLICT', `message id "${dup}" is already in conversation "${id}"`, {
          adapter: ADAPTER,
        });
      let title = stored.title;
      if (title === DEFAULT_TITLE) {
        const existing =
          stored.messageCount > 0
            ? (await readMessages(ctx, userId, id, true)).map((m) => JSON.parse(m.body ?? 'null') as Message)
            : [];
        title = resolveTitle(undefined, title, [...existing, ...prepared.map((m) => m.message)]);
      }
      const time = Math.max(ctx.now(), stored.updatedAt);
      const { digests } = scanMessages(
        prepared.map((m) => m.message),
        stored.chain[1],
      );
      const meta = cleanMeta({
        ...metaOf(userId, stored),
        title,
        messageCount: stored.messageCount + ids.length,
        usage: addUsage(stored.usage, delta),
        updatedAt: time,
        version: stored.version + 1,
      });
      const head: Head = {
        ...headFields(meta),
        slot,
        writeId,
        chain: [digests[digests.length - 2]!, digests[digests.length - 1]!],
      };
      const rows = [...messageRows(userId, id, slot, time, stored.messageCount, jsons, ids), headRow(userId, head)];
      return { rows, head, ids: state.allIds ? new Set([...state.ids, ...ids]) : undefined, result: meta };
    },
  });
}

/** Writes a new head with the patch applied. */
export async function update(
  ctx: StoreInternals,
  userId: string,
  id: string,
  raw: ConversationPatch,
  opts?: WriteOptions,
): Promise<ConversationMeta> {
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
      const meta = cleanMeta({
        ...metaOf(userId, stored),
        ...patch,
        updatedAt: Math.max(ctx.now(), stored.updatedAt),
        version: stored.version + 1,
      });
      const head: Head = { ...stored, ...headFields(meta), slot, writeId };
      for (const key of ['model', 'provider', 'usage', 'metadata'] as const)
        if (meta[key] === undefined) delete head[key];
      return { rows: [headRow(userId, head)], head, ids: state.allIds ? state.ids : undefined, result: meta };
    },
  });
}

/** Tombstones the head and every message position in one INSERT; false when there was nothing to delete. */
export async function remove(ctx: StoreInternals, userId: string, id: string): Promise<boolean> {
  return write(ctx, userId, id, {
    what: 'deleting a conversation',
    landed: () => true,
    noop: (state) => (state.head ? undefined : false),
    plan(state, slot) {
      const rows = [
        ...dropped(userId, id, slot, 0, mustExist(state, id).messageCount),
        tombstone(userId, id, KIND.head, 0, slot),
      ];
      return { rows, head: null, ids: new Set(), result: true };
    },
  });
}
