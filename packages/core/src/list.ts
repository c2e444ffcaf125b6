import { invalid } from './internal.js';
import { MAX_PAGE_SIZE, PAGE_SIZE } from './limits.js';
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

/** Encodes a keyset position as an opaque cursor: base64url, unpadded (ids are ASCII by validation). */
export function encodeCursor(position: CursorPosition): string {
  return btoa(`v1:${position.updatedAt}:${position.id}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes a cursor from `encodeCursor`; throws VALIDATION for anything else. */
export function decodeCursor(cursor: string): CursorPosition {
  let text: string;
  try {
    text = typeof cursor === 'string' && cursor.length <= 400 ? atob(cursor.replace(/-/g, '+').replace(/_/g, '/')) : '';
  } catch {
    text = '';
  }
  const match = /^v1:(\d{1,16}):([A-Za-z0-9_.:@-]{1,128})$/.exec(text);
  if (!match) invalid('cursor is not a nextCursor returned by this store; start again without a cursor');
  return { updatedAt: Number(match[1]), id: match[2]! };
}

/** Validates list options (limit 1..200, default 50; cursor; updatedAfter) and decodes the cursor. */
export function parseListOptions(options: ListOptions | undefined): ParsedListOptions {
  const { limit = PAGE_SIZE, cursor, updatedAfter } = options ?? {};
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    invalid(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  if (updatedAfter !== undefined && !Number.isFinite(updatedAfter))
    invalid('updatedAfter must be a Unix time in milliseconds');
  return { limit, after: cursor === undefined ? null : decodeCursor(cursor), updatedAfter: updatedAfter ?? null };
}
