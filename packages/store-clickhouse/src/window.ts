import { ConversationStoreError, windowRange, type Message, type MessageWindow, type ParsedWindowOptions } from '@agent-conversations/core';
import type { StoreInternals } from './context.js';
import { ADAPTER } from './errors.js';
import { KIND, windowQuery } from './queries.js';
import { metaOf, type Head } from './state.js';

/** Reads before giving up when every read met a write between the count and the range (each read is one query). */
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
 * The newest `limit` messages before the cursor's position, in one key-bounded query. Positions are dense, so the window
 * is [max(0, min(before, count) - limit), min(before, count)); a window whose rows do not match the head it came with
 * (a write landed between the count and the range, on a server that runs queries side by side) is read again.
 */
export async function readWindow(ctx: StoreInternals, userId: string, id: string, parsed: ParsedWindowOptions): Promise<MessageWindow | null> {
  const params = { u: userId, c: id, limit: parsed.limit, before: parsed.before ?? Number.MAX_SAFE_INTEGER };
  for (let attempt = 1; ; attempt++) {
    const { head, positions, messages } = parseWindow(await ctx.db.text('reading a window', windowQuery(ctx.db.table), params, 'TabSeparatedRaw'));
    if (!head) return null;
    const { start, end, nextCursor } = windowRange(head.messageCount, parsed);
    if (positions.length === end - start && positions.every((p, i) => p === start + i)) return { meta: metaOf(userId, head), messages, nextCursor };
    if (attempt >= ATTEMPTS) throw new ConversationStoreError('CONFLICT', `conversation "${id}" kept changing while its window was read; retry`, { adapter: ADAPTER, retryable: true });
  }
}
