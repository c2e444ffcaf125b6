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

/** Splits `kind<TAB>seq<TAB>body` lines into the head and the messages with their positions. */
function parseWindow(text: string): { head: Head | null; positions: number[]; messages: Message[] } {
  let head: Head | null = null;
  const positions: number[] = [];
  const messages: Message[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const a = line.indexOf('\t');
    const b = line.indexOf('\t', a + 1);
    if (line.slice(0, a) === String(KIND.head)) head = JSON.parse(line.slice(b + 1)) as Head;
    else {
      positions.push(Number(line.slice(a + 1, b)));
      messages.push(JSON.parse(line.slice(b + 1)) as Message);
    }
  }
  return { head, positions, messages };
}

/**
 * A window in one query when its positions can be known before reading: positions are dense, so the window is
 * [max(0, min(before, count) - limit), min(before, count)), and one FINAL read of the head and a position range is one
 * snapshot. A cursor gives the range; for the newest window the count this store last saw (from a get, list, write or
 * window) gives a range reaching GROWTH past it. The head read with the range says whether the guess covered the
 * window; when it did not (no count seen yet, or the list shrank or grew past the guess), the window is read again
 * with the range the head gives.
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
        : { lo: 0, hi: 0 };
  for (let attempt = 1; ; attempt++) {
    const { head, positions, messages } = parseWindow(
      await ctx.db.text(
        'reading a window',
        windowQuery(ctx.db.table),
        { u: userId, c: id, ...range },
        'TabSeparatedRaw',
      ),
    );
    noteCount(ctx, userId, id, head?.messageCount ?? null);
    if (!head) return null;
    const { start, end, nextCursor } = windowRange(head.messageCount, parsed);
    const from = positions.indexOf(start);
    if (start === end) return { meta: metaOf(userId, head), messages: [], nextCursor };
    if (range.lo <= start && end <= range.hi && from >= 0 && positions[from + end - start - 1] === end - 1) {
      return { meta: metaOf(userId, head), messages: messages.slice(from, from + end - start), nextCursor };
    }
    if (attempt >= ATTEMPTS)
      throw new ConversationStoreError(
        'CONFLICT',
        `conversation "${id}" kept changing while its window was read; retry`,
        { adapter: ADAPTER, retryable: true },
      );
    range = { lo: start, hi: end };
  }
}
