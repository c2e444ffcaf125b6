import { ConversationStoreError, type ConversationMeta, type ErrorCode } from '@agent-conversations/core';
import type { StorageLike } from './storage.js';

/** The storage format this version reads and writes; data in any other format is refused, never overwritten. */
export const FORMAT = 1;
/** The adapter name on errors. */
export const ADAPTER = 'local';

/** An error of this adapter. */
export function storeError(code: ErrorCode, message: string, cause?: unknown): ConversationStoreError {
  return new ConversationStoreError(code, message, { adapter: ADAPTER, cause });
}

/** The keys of one namespace. */
export interface Keys {
  /** Prefix of the conversation entries: `<ns>:c:<encoded userId>:<conversation id>`. */
  entry: string;
  /** Web Lock name that serializes writers of this namespace across tabs. */
  lock: string;
  /** Write counter, rewritten after every write section (fixed width, so rewriting it never needs more quota). */
  seq: string;
}

/** A conversation entry: its meta (first line) and the message JSON lines after it, kept as raw text. */
export interface Entry {
  key: string;
  meta: ConversationMeta;
  lines: string[];
}

// User ids may hold any character (even lone surrogates), so keys escape all but a safe ASCII set.
const escapeUser = (userId: string): string =>
  userId.replace(/[^A-Za-z0-9_.@-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const unescapeUser = (text: string): string =>
  text.replace(/%([0-9a-f]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The key prefix of all entries of one user. */
export function userPrefix(keys: Keys, userId: string): string {
  return `${keys.entry}${escapeUser(userId)}:`;
}

/** The key of one conversation entry. */
export function entryKey(keys: Keys, userId: string, id: string): string {
  return userPrefix(keys, userId) + id;
}

/** The owner and id an entry key names, or null for any other key. */
export function parseEntryKey(keys: Keys, key: string): { userId: string; id: string } | null {
  const match = key.startsWith(keys.entry) ? /^([^:]+):(.+)$/s.exec(key.slice(keys.entry.length)) : null;
  return match && { userId: unescapeUser(match[1]!), id: match[2]! };
}

/** The error for a key this version must not touch: corrupt, or written by a newer version. */
function refuse(key: string, why: string, cause?: unknown): ConversationStoreError {
  return storeError('STORAGE', `localStorage key "${key}" ${why}; it was left untouched`, cause);
}

type Header = { format?: unknown; meta?: Partial<ConversationMeta> };
const CORRUPT = 'is corrupt (delete the conversation or remove the key to go on)';

/** The meta of an entry from its first line only, without reading the messages; refuses other formats and shapes. */
export function parseHeader(key: string, raw: string): ConversationMeta {
  let record: Header | null = null;
  let cause: unknown;
  try {
    record = JSON.parse(raw.split('\n', 1)[0]!) as Header | null;
  } catch (error) {
    cause = error;
  }
  const format = record?.format;
  if (typeof format === 'number' && format > FORMAT) {
    throw refuse(
      key,
      `was written by a newer @agent-conversations/store-browser (format ${format}); upgrade the package`,
    );
  }
  const meta = record?.meta;
  if (
    format !== FORMAT ||
    typeof meta?.version !== 'number' ||
    typeof meta.messageCount !== 'number' ||
    typeof meta.updatedAt !== 'number'
  ) {
    throw refuse(key, CORRUPT, cause);
  }
  return meta as ConversationMeta;
}

/** Reads one entry, checking its header and message count; null when absent, STORAGE when corrupt or newer. */
export function readEntry(storage: StorageLike, key: string): Entry | null {
  const raw = storage.getItem(key);
  if (raw === null) return null;
  const [header, ...lines] = raw.split('\n');
  const meta = parseHeader(key, header!);
  if (lines.length !== meta.messageCount) throw refuse(key, CORRUPT);
  return { key, meta, lines };
}

/** The stored text of an entry: the header, then one message per line (JSON.stringify never emits a raw newline). */
export function serializeEntry(meta: ConversationMeta, lines: readonly string[]): string {
  return [JSON.stringify({ format: FORMAT, meta }), ...lines].join('\n');
}

/** Parses the message lines of an entry. */
export function parseMessages<T>(entry: Entry): T[] {
  try {
    return entry.lines.map((line) => JSON.parse(line) as T);
  } catch (error) {
    throw refuse(entry.key, CORRUPT, error);
  }
}
