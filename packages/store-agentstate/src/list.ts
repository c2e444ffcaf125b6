import { compareForList, encodeCursor, type ConversationMeta, type CursorPosition, type ListPage, type ParsedListOptions } from '@agent-conversations/core';
import type { Backend } from './backend.js';
import { fold } from './log.js';
import { metaFromRow, metaFromState, ownedBy } from './mirror.js';
import { LIST_PAGE, type ApiConversation } from './wire.js';

interface Row {
  conversation: ApiConversation;
  owner: { u: string; c: string };
  position: CursorPosition;
}

/** A server cursor id that sorts below every nanoid; with `updatedAt + 1` it resumes at every row of `updatedAt` or older. */
const LOWEST_ID = '0'.repeat(21);

/** Runs `task` over items with at most `width` at once, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** The meta of a listed row: from the row when its counters vouch for its summary, else by replaying its entries (one extra read). */
async function metaOfRow(backend: Backend, row: Row): Promise<ConversationMeta | null> {
  const fromRow = metaFromRow(row.conversation, row.owner);
  if (fromRow) return fromRow;
  const fresh = row.conversation.external_id === null ? null : await backend.api.byExternalId(row.conversation.external_id);
  const owner = fresh && ownedBy(fresh, row.owner.u, row.owner.c);
  if (!fresh || !owner) return null;
  const state = fold(fresh.messages ?? []);
  return state.version > 0 ? metaFromState(fresh, owner, state) : null;
}

/**
 * One keyset page of the user's conversations from the server-side tag filter, newest first. The server breaks
 * `updated_at` ties by its own ids, so rows are re-sorted by (updatedAt, conversation id) and pages end only where
 * every tie is known; the cursor is core's (updatedAt, id) position, resumed on the server at `updatedAt + 1`.
 */
export async function listConversations(backend: Backend, userId: string, tag: string, options: ParsedListOptions): Promise<ListPage> {
  const { limit, after, updatedAfter } = options;
  let cursor: string | undefined = after ? `${after.updatedAt + 1}.${LOWEST_ID}` : undefined;
  // A few rows beyond the page, so a tie at its edge rarely costs a second request.
  let size = Math.min(LIST_PAGE, limit + 5);
  const rows: Row[] = [];
  let more = false;
  for (;;) {
    const page = await backend.api.listByTag(tag, size, cursor);
    let floor = Number.POSITIVE_INFINITY;
    let done = false;
    for (const conversation of page.data) {
      floor = conversation.updated_at;
      if (updatedAfter !== null && conversation.updated_at <= updatedAfter) {
        done = true;
        break;
      }
      const owner = ownedBy(conversation, userId);
      if (!owner) continue;
      const position = { updatedAt: conversation.updated_at, id: owner.c };
      if (after && compareForList(position, after) <= 0) continue;
      rows.push({ conversation, owner, position });
    }
    cursor = page.pagination.next_cursor ?? undefined;
    if (done || !cursor || page.data.length === 0) break;
    // Every row newer than the last server row is known; once they fill the page, its order is final.
    if (rows.filter((r) => r.position.updatedAt > floor).length >= limit) {
      more = true;
      break;
    }
    size = LIST_PAGE;
  }
  rows.sort((a, b) => compareForList(a.position, b.position));
  const chosen = rows.slice(0, limit);
  const metas = await mapLimit(chosen, 4, (row) => metaOfRow(backend, row));
  const items = metas.filter((m): m is ConversationMeta => m !== null);
  const last = chosen[chosen.length - 1];
  return { items, nextCursor: (more || rows.length > limit) && last ? encodeCursor(last.position) : null };
}
