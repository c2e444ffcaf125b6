import { invalid } from './internal.js';
import type { WindowOptions } from './types.js';

/** What `parseWindowOptions` gives: the size and the sequence position (0-based, exclusive) the window ends before. */
export interface ParsedWindowOptions {
  limit: number;
  /** null: the window ends at the newest message. */
  before: number | null;
}

const CURSOR = /^w1\.(0|[1-9][0-9]{0,15})$/;

/** The cursor of a window that starts at sequence position `start` (0-based): the next window ends before it. */
export function encodeWindowCursor(start: number): string {
  return `w1.${start}`;
}

/** Validates `window` options; throws VALIDATION on a bad limit or cursor. */
export function parseWindowOptions(options: WindowOptions | undefined): ParsedWindowOptions {
  const limit = options?.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) invalid('window limit must be an integer from 1 to 1000');
  if (options?.before === undefined) return { limit, before: null };
  const match = typeof options.before === 'string' ? CURSOR.exec(options.before) : null;
  if (!match) invalid('window cursor is not one this store returned (pass nextCursor as it is)');
  return { limit, before: Number(match[1]) };
}

/** The [start, end) positions of a window over `count` messages, and its next cursor. */
export function windowRange(
  count: number,
  parsed: ParsedWindowOptions,
): { start: number; end: number; nextCursor: string | null } {
  const end = Math.min(parsed.before ?? count, count);
  const start = Math.max(0, end - parsed.limit);
  return { start, end, nextCursor: start > 0 ? encodeWindowCursor(start) : null };
}
