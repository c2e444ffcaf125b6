import {
  ConversationStoreError,
  windowRange,
  type Message,
  type MessageWindow,
  type ParsedWindowOptions,
} from '@agent-conversations/core';
import { keyOf, noteCount, type StoreInternals } from './context.js';
import { ADAPTER } from './errors.js';
import { KIND, windowQuery } from './queries.js';
import { metaOf, type Head } from './state.js';

/** How far past the last count seen a newest-window read reaches, so appends since then are read in the same query. */
const GROWTH = 256;
/** Reads before giving up when every read met a change that moved the window (each read is one query). */
const ATTEMPTS = 5;

/** What one window query returned: the head and the messages with their positions, from one FINAL read. */
export interface WindowRead {
  head: Head | null;
  positions: number[];
  messages: Message[];
}

/** Splits `kind<TAB>seq<TAB>body` lines into the head and the messages with their positions. */
function parseWindow(text: string): WindowRead {
  const read: WindowRead = { head: null, positions: [], messages: [] };
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const a = line.indexOf('\t');
    const b = line.indexOf('\t', a + 1);
    if (line.slice(0, a) === String(KIND.head)) read.head = JSON.parse(line.slice(b + 1)) as Head;
    else {
      read.positions.push(Number(line.slice(a + 1, b)));
      read.messages.push(JSON.parse(line.slice(b + 1)) as Message);
    }
  }
  return read;
}

/**
 * The window the head of a read asks for (null: no conversation), or undefined when the rows read are not all of it:
 * the range was a guess the list has moved past, or a count from another snapshot than the rows.
 */
export function windowOf(
  userId: string,
  read: WindowRead,
  parsed: ParsedWindowOptions,
): MessageWindow | null | undefined {
  if (!read.head) return null;
  const { start, end, nextCursor } = windowRange(read.head.messageCount, parsed);
  const meta = metaOf(userId, read.head);
  if (start === end) return { meta, messages: [], nextCursor };
  const from = read.positions.indexOf(start);
  // Positions come distinct and ascending: holding start and end - 1 this far apart means holding every one between.
  if (from < 0 || read.positions[from + end - start - 1] !== end - 1) return undefined;
  return { meta, messages: read.messages.slice(from, from + end - start), nextCursor };
}

/**
 * A window in one query: positions are dense, so the window is [max(0, min(before, count) - limit), min(before, count)),
 * and one FINAL read of the head and a position range returns it. A cursor gives the range; for the newest window, the
 * count this store last saw (a get, list, write or window) gives a range reaching GROWTH past it, and a store that has
 * seen no count reads the range the head's count gives in the same query (a scalar subquery). The head read with the
 * rows decides (windowOf); when they are not the window (the list moved past the guess, or a write landed between the
 * subquery and the read), the window is read again with the range the head gives.
 */
export async function readWindow(
  ctx: StoreInternals,
  userId: string,
  id: string,
  parsed: ParsedWindowOptions,
): Promise<MessageWindow | null> {
  const seen = ctx.counts.get(keyOf(userId, id));
  let range =
    parsed.before !== null
      ? { lo: Math.max(0, parsed.before - parsed.limit), hi: parsed.before }
      : seen !== undefined
        ? { lo: Math.max(0, seen - parsed.limit), hi: seen + GROWTH }
        : null;
  for (let attempt = 1; ; attempt++) {
    const params = { u: userId, c: id, ...(range ?? { limit: parsed.limit }) };
    const text = await ctx.db.text(
      'reading a window',
      windowQuery(ctx.db.table, range !== null),
      params,
      'TabSeparatedRaw',
    );
    const read = parseWindow(text);
    noteCount(ctx, userId, id, read.head?.messageCount ?? null);
    const window = windowOf(userId, read, parsed);
    if (window !== undefined) return window;
    if (attempt >= ATTEMPTS)
      throw new ConversationStoreError(
        'CONFLICT',
        `conversation "${id}" kept changing while its window was read; retry`,
        { adapter: ADAPTER, retryable: true },
      );
    const { start, end } = windowRange(read.head?.messageCount ?? 0, parsed);
    range = { lo: start, hi: end };
  }
}
