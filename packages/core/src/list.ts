import { ConversationStoreError } from './errors.js';
import { LIMITS } from './limits.js';
import type { ListOptions } from './types.js';

/** A keyset position: the last item of the previous page. */
export interface CursorPosition {
  updatedAt: number;
  id: string;
}

/** Validated list options with the cursor decoded. */
export interface ParsedListOptions {
  limit: number;
  after: CursorPosition | null;
  updatedAfter: number | null;
}

function toBase64Url(text: string): string {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  return atob(text.replace(/-/g, '+').replace(/_/g, '/'));
}

/** Encodes a keyset position as an opaque cursor (ids are ASCII by validation). */
export function encodeCursor(position: CursorPosition): string {
  return toBase64Url(`v1:${position.updatedAt}:${position.id}`);
}

/** Decodes a cursor from `encodeCursor`; throws VALIDATION for anything else. */
export function decodeCursor(cursor: string): CursorPosition {
  let text: string;
  try {
    text = fromBase64Url(cursor);
  } catch {
    text = '';
  }
  const match = /^v1:(\d{1,16}):([A-Za-z0-9_.:@-]{1,128})$/.exec(text);
  if (!match) throw new ConversationStoreError('VALIDATION', 'cursor is not a nextCursor returned by this store; start again without a cursor');
  return { updatedAt: Number(match[1]), id: match[2]! };
}

/** Validates list options (limit 1..200, default 50; cursor; updatedAfter) and decodes the cursor. */
export function parseListOptions(options: ListOptions | undefined): ParsedListOptions {
  const { limit = LIMITS.defaultPageSize, cursor, updatedAfter } = options ?? {};
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.maxPageSize) {
    throw new ConversationStoreError('VALIDATION', `limit must be an integer from 1 to ${LIMITS.maxPageSize}`);
  }
  if (updatedAfter !== undefined && (typeof updatedAfter !== 'number' || !Number.isFinite(updatedAfter))) {
    throw new ConversationStoreError('VALIDATION', 'updatedAfter must be a Unix time in milliseconds');
  }
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 400)) {
    throw new ConversationStoreError('VALIDATION', 'cursor must be a nextCursor string returned by list');
  }
  return { limit, after: cursor === undefined ? null : decodeCursor(cursor), updatedAfter: updatedAfter ?? null };
}
