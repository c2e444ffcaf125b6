import { ConversationStoreError, type ConversationMeta } from '@agent-conversations/core';
import type { StorageLike } from './storage.js';

/** The storage format this version reads and writes; data in any other format is refused, never overwritten. */
export const FORMAT = 1;
/** The adapter name on errors. */
export const ADAPTER = 'local';

/** The keys of one namespace. */
export interface Keys {
  /** The index: which conversation ids each user has. */
  index: string;
  /** Prefix of the conversation entries: `<ns>:c:<encoded userId>:<conversation id>`. */
  entry: string;
  /** Web Lock name that serializes writers of this namespace across tabs. */
  lock: string;
  /** Write counter, rewritten after every write section (fixed width, so rewriting it never needs more quota). */
  seq: string;
}

/** The index in memory: conversation ids per user id. */
export type Index = Map<string, Set<string>>;

/** A conversation entry: its meta (first line) and the message lines after it, kept as raw text. */
export interface Entry {
  meta: ConversationMeta;
  /** Everything after the header: `""`, or `"\n" + message JSON lines joined by "\n"`. */
  body: string;
  /** The message JSON lines. */
  lines: string[];
}

/** The keys of a namespace. */
export function keysFor(namespace: string): Keys {
  return { index: `${namespace}:index`, entry: `${namespace}:c:`, lock: `${namespace}:write`, seq: `${namespace}:seq` };
}

// User ids may hold any character (even lone surrogates), so keys escape all but a safe ASCII set.
const escapeUser = (userId: string): string => userId.replace(/[^A-Za-z0-9_.@-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const unescapeUser = (text: string): string => text.replace(/%([0-9a-f]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The key of one conversation entry. */
export function entryKey(keys: Keys, userId: string, id: string): string {
  return `${keys.entry}${escapeUser(userId)}:${id}`;
}

/** The key prefix of all entries of one user. */
export function userPrefix(keys: Keys, userId: string): string {
  return `${keys.entry}${escapeUser(userId)}:`;
}

/** The owner and id an entry key names, or null for any other key. */
export function parseEntryKey(keys: Keys, key: string): { userId: string; id: string } | null {
  if (!key.startsWith(keys.entry)) return null;
  const rest = key.slice(keys.entry.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return null;
  return { userId: unescapeUser(rest.slice(0, colon)), id: rest.slice(colon + 1) };
}

/** The error for a key this version must not touch: corrupt, or written by a newer version. */
function refuse(key: string, why: string, cause?: unknown): ConversationStoreError {
  return new ConversationStoreError('STORAGE', `localStorage key "${key}" ${why}; it was left untouched`, { adapter: ADAPTER, cause });
}

type Record_ = Record<string, unknown>;
const CORRUPT = 'is corrupt (delete the conversation or remove the key to go on)';

/** Parses a stored JSON record, refusing other formats and shapes. */
function parseRecord(key: string, text: string, valid: (record: Record_) => boolean): Record_ {
  let record: Record_ | null = null;
  let cause: unknown;
  try {
    record = JSON.parse(text) as Record_ | null;
  } catch (error) {
    cause = error;
  }
  const format = record?.format;
  if (typeof format === 'number' && format > FORMAT) {
    throw refuse(key, `was written by a newer @agent-conversations/store-browser (format ${format}); upgrade the package`);
  }
  if (format !== FORMAT || !valid(record!)) throw refuse(key, CORRUPT, cause);
  return record!;
}

const isStringArray = (value: unknown): boolean => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Reads the index; an absent index is empty, a corrupt or newer one throws STORAGE. */
export function readIndex(storage: StorageLike, keys: Keys): Index {
  const raw = storage.getItem(keys.index);
  if (raw === null) return new Map();
  const { users } = parseRecord(keys.index, raw, (r) => typeof r.users === 'object' && r.users !== null && Object.values(r.users).every(isStringArray));
  return new Map(Object.entries(users as Record<string, string[]>).map(([userId, ids]) => [userId, new Set(ids)]));
}

/** The index as stored; null when it lists nothing (the key is then removed). */
export function serializeIndex(index: Index): string | null {
  const users = [...index].filter(([, ids]) => ids.size > 0).map(([userId, ids]) => [userId, [...ids]]);
  return users.length === 0 ? null : JSON.stringify({ format: FORMAT, users: Object.fromEntries(users) });
}

/** The meta of an entry from its first line only, without reading the messages. */
export function parseHeader(key: string, raw: string): { meta: ConversationMeta; headerEnd: number } {
  const end = raw.indexOf('\n');
  const headerEnd = end === -1 ? raw.length : end;
  const { meta } = parseRecord(key, raw.slice(0, headerEnd), (r) => {
    const m = r.meta as Partial<ConversationMeta> | null;
    return typeof m?.version === 'number' && typeof m.messageCount === 'number' && typeof m.updatedAt === 'number';
  });
  return { meta: meta as ConversationMeta, headerEnd };
}

/** Reads one entry, checking its header and message count; null when absent, STORAGE when corrupt or newer. */
export function readEntry(storage: StorageLike, key: string): Entry | null {
  const raw = storage.getItem(key);
  if (raw === null) return null;
  const { meta, headerEnd } = parseHeader(key, raw);
  const body = raw.slice(headerEnd);
  const lines = body === '' ? [] : body.slice(1).split('\n');
  if (lines.length !== meta.messageCount) throw refuse(key, CORRUPT);
  return { meta, body, lines };
}

/** An entry body from message JSON lines (JSON.stringify never emits a raw newline). */
export function linesBody(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `\n${lines.join('\n')}`;
}

/** The stored text of an entry. */
export function serializeEntry(meta: ConversationMeta, body: string): string {
  return JSON.stringify({ format: FORMAT, meta }) + body;
}

/** Parses the message lines of an entry. */
export function parseMessages<T>(key: string, entry: Entry): T[] {
  try {
    return entry.lines.map((line) => JSON.parse(line) as T);
  } catch (error) {
    throw refuse(key, CORRUPT, error);
  }
}
