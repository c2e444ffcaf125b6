import {
  checkVersion,
  DEFAULT_TITLE,
  defaultTitle,
  firstChangedIndex,
  prepareMessage,
  prepareMessages,
  resolveTitle,
  type ConversationMeta,
  type Message,
  type PreparedMessage,
  type ScannedInput,
} from '@agent-conversations/core';
import type { Db, Query } from './db.js';
import { storeError } from './errors.js';
import type { Queries } from './queries.js';
import { metaOf, usageParams, type ConversationRow } from './rows.js';
import { sha256Base64 } from './sha256.js';
import { decodeText, encodeOptional, encodeText } from './text.js';

/** A write statement's result: the new meta as JSON text. */
export type MetaRow = { meta: string };

/** The stored state an upsert compares (queries.ts `state`). */
export interface StateRow {
  version: number;
  message_count: number;
  prefix_count: number;
  /** bigint: a string from pg; null before the first upsert wrote one. */
  prefix_digest: string | null;
  title: string;
  updated_at: string | number;
  /** Hashes of the messages after prefix_count, in order; null when there are none. */
  tail: string[] | null;
}

/** A message's stored fingerprint, to find the first changed message of an upsert: SHA-256 of its UTF-8 JSON, base64. */
const hashOf = sha256Base64;

/** The title taken from the messages, or null while there is no user text. */
export const autoTitle = (messages: readonly Message[]): string | null => {
  const title = defaultTitle(messages);
  return title === DEFAULT_TITLE ? null : encodeText(title);
};

/** Message ids, JSON and hashes as parallel arrays (the statements unnest them). */
export function columns(messages: readonly PreparedMessage[]): [string[], string[], string[]] {
  const ids: string[] = [];
  const jsons: string[] = [];
  const hashes: string[] = [];
  for (const { message, json } of messages) {
    ids.push(encodeText(message.id));
    jsons.push(json);
    hashes.push(hashOf(json));
  }
  return [ids, jsons, hashes];
}

/** How many given messages are the stored ones, unchanged: all of them when the stored digest covers the first prefix_count and
 * the hashes the rest; null when the given list does not start with the stored messages (or might not). */
export function unchangedPrefix(input: ScannedInput, row: StateRow): number | null {
  const { messages, digests } = input.messages;
  const [n, k] = [row.message_count, row.prefix_count];
  const tail = row.tail ?? [];
  if (n > messages.length || tail.length !== n - k) return null;
  if (k > 0 && digests[k] !== Number(row.prefix_digest)) return null;
  for (let i = k; i < n; i++) if (hashOf(prepareMessage(messages[i]).json) !== tail[i - k]) return null;
  return n;
}

/** The parameters of `create` and `replace` before the time: user, id, title, auto title, model, provider, usage, metadata. */
function head(input: ScannedInput, storedTitle: string | undefined): unknown[] {
  const messages = input.messages.messages;
  const title = resolveTitle(input.title, storedTitle, messages);
  return [encodeText(input.userId), input.id, encodeText(title), autoTitle(messages), ...describing(input)];
}

/** The parameters every upsert statement takes after the titles: model, provider, whether usage is given, usage, metadata. */
function describing(input: ScannedInput): unknown[] {
  const metadata = input.metadata === undefined ? null : JSON.stringify(input.metadata);
  return [
    encodeOptional(input.model),
    encodeOptional(input.provider),
    input.usage !== undefined,
    ...usageParams(input.usage),
    metadata,
  ];
}

/** The `replace` parameters that keep the first `keep` messages (already prepared from there on) and write the rest; `version`:
 * the version read without a lock (the statement then matches no row if it changed), or null under the row lock. */
function replaceParams(
  input: ScannedInput,
  stored: { title: string; updated_at: string | number },
  rest: readonly PreparedMessage[],
  keep: number,
  now: number,
  version: number | null,
): unknown[] {
  const time = input.updatedAt ?? Math.max(now, Number(stored.updated_at));
  return [
    ...head(input, decodeText(stored.title)),
    time,
    ...columns(rest),
    keep,
    input.messages.digests[input.messages.messages.length],
    version,
  ];
}

/** All the client does for an upsert whose stored messages start the given list: the `replace` parameters, or null otherwise. */
export function extendParams(input: ScannedInput, row: StateRow, now: number): unknown[] | null {
  const keep = unchangedPrefix(input, row);
  if (keep === null) return null;
  const rest = input.messages.messages.slice(keep).map((m) => prepareMessage(m));
  return replaceParams(input, row, rest, keep, now, row.version);
}

/** How many of the last messages the one-statement upsert sends: a turn of the AI SDK adds two (the user's and the reply). */
export const TAIL_WINDOW = 8;

/** The `extend` parameters: the list's digests at the counts the stored list may have, and the last TAIL_WINDOW messages. */
export function tailParams(input: ScannedInput, expected: number | undefined, now: number): unknown[] {
  const { messages, digests } = input.messages;
  const count = messages.length;
  const from = Math.max(0, count - TAIL_WINDOW);
  const title = input.title === undefined ? null : encodeText(input.title);
  const candidates = Array.from(digests.subarray(from), String);
  return [
    encodeText(input.userId),
    input.id,
    title,
    encodeText(DEFAULT_TITLE),
    encodeText(defaultTitle(messages)),
    autoTitle(messages),
    ...describing(input),
    input.updatedAt ?? null,
    now,
    count,
    digests[count],
    expected ?? null,
    from,
    candidates,
    ...columns(messages.slice(from).map((m) => prepareMessage(m))),
  ];
}

// Under the row lock: creates the conversation, or finds the first changed message by its hash and rewrites from there.
async function upsertLocked(
  query: Query,
  q: Queries,
  input: ScannedInput,
  expected: number | undefined,
  now: number,
): Promise<ConversationMeta | null> {
  const key = [encodeText(input.userId), input.id];
  const existing = (await query<ConversationRow>(q.lock, key)).rows[0];
  checkVersion(expected, existing?.version ?? 0, 'postgres');
  const prepared = prepareMessages(input.messages.messages);
  const digest = input.messages.digests[prepared.length];
  if (!existing) {
    const time = input.updatedAt ?? now;
    const created = await query<MetaRow>(q.create, [
      ...head(input, undefined),
      input.createdAt ?? time,
      time,
      ...columns(prepared),
      digest,
    ]);
    return metaOf(created.rows[0]) ?? null; // created concurrently: the caller retries
  }
  const stored =
    existing.message_count === 0 ? [] : (await query<{ hash: string }>(q.hashes, key)).rows.map((r) => r.hash);
  const keep = firstChangedIndex(
    stored,
    prepared.map((m) => ({ ...m, json: hashOf(m.json) })),
  );
  if (keep < stored.length) await query(q.deleteFrom, [...key, keep]);
  const replaced = await query<MetaRow>(
    q.replace,
    replaceParams(input, existing, prepared.slice(keep), keep, now, null),
  );
  return metaOf(replaced.rows[0])!;
}

/**
 * Upserts in one statement when the stored list is the given one minus at most its last TAIL_WINDOW messages and its digest
 * covers all of it (the AI SDK's save of a whole chat after the previous save): `extend` compares the digest and writes the new
 * messages in one round trip, like append. Otherwise, when the stored messages still start the given list (more new messages, or
 * some appended since the last upsert), it reads the stored state without a lock, then writes the new messages in one statement
 * that matches no row if anything changed in between. Any other case (a new conversation, a changed earlier message, a write in
 * between) takes the locked path, which compares every message.
 */
export async function upsert(
  db: Db,
  q: Queries,
  input: ScannedInput,
  expected: number | undefined,
  now: () => number,
): Promise<ConversationMeta> {
  const inOne = metaOf((await db.query<MetaRow>(q.extend, tailParams(input, expected, now()))).rows[0]);
  if (inOne) return inOne;
  const row = (await db.query<StateRow>(q.state, [encodeText(input.userId), input.id])).rows[0];
  checkVersion(expected, row?.version ?? 0, 'postgres');
  const params = row && extendParams(input, row, now());
  const extended = params && metaOf((await db.query<MetaRow>(q.replace, params)).rows[0]);
  if (extended) return extended;
  for (let attempt = 0; attempt < 3; attempt++) {
    const meta = await db.transaction((query) => upsertLocked(query, q, input, expected, now()));
    if (meta) return meta;
  }
  throw storeError(
    'UNAVAILABLE',
    `conversation "${input.id}" kept being created and deleted concurrently; retry the upsert`,
  );
}
