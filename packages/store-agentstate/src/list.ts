import {
  compareForList,
  decodeCursor,
  encodeCursor,
  type ConversationMeta,
  type CursorPosition,
  type ListPage,
  type ParsedListOptions,
} from '@agent-conversations/core';
import type { Backend } from './backend.js';
import { fold } from './log.js';
import { anchorOf, metaFromRow, metaFromState, ownedBy } from './mirror.js';
import { LIST_PAGE, type ApiConversation } from './wire.js';

interface Row {
  conversation: ApiConversation;
  meta: ConversationMeta;
  position: CursorPosition;
}

/** Where a page resumes: after `position` in list order, scanning the server's rows from updated_at `server` down. */
export interface ListCursor extends CursorPosition {
  server: number;
}

/** A server cursor id that sorts below every nanoid; with `updatedAt + 1` it resumes at every row of `updatedAt` or older. */
const LOWEST_ID = '0'.repeat(21);
const OWN_CURSOR = /^as1:(\d{1,16}):(\d{1,16}):(.{1,128})$/;

/** The cursor after `position`: core's, or (when a row the next page needs sits higher on the server) this store's with the scan start. */
function encodeListCursor(position: CursorPosition, server: number): string {
  if (server <= position.updatedAt) return encodeCursor(position);
  return btoa(`as1:${position.updatedAt}:${server}:${position.id}`)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Decodes a cursor from `encodeListCursor`; anything else is core's VALIDATION error. */
export function decodeListCursor(cursor: string): ListCursor {
  let text = '';
  try {
    text = cursor.length <= 400 ? atob(cursor.replace(/-/g, '+').replace(/_/g, '/')) : '';
  } catch {
    // Not base64: core's decoder below says so.
  }
  const own = OWN_CURSOR.exec(text);
  if (own) return { updatedAt: Number(own[1]), server: Number(own[2]), id: own[3]! };
  const position = decodeCursor(cursor);
  return { ...position, server: position.updatedAt };
}

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
async function metaOfRow(
  backend: Backend,
  conversation: ApiConversation,
  owner: { u: string; c: string },
): Promise<ConversationMeta | null> {
  const fromRow = metaFromRow(conversation, owner);
  if (fromRow) return fromRow;
  const fresh = conversation.external_id === null ? null : await backend.api.byExternalId(conversation.external_id);
  const current = fresh && ownedBy(fresh, owner.u, owner.c);
  if (!fresh || !current) return null;
  const state = fold(fresh.messages ?? []);
  return state.version > 0 ? metaFromState(fresh, current, state) : null;
}

/**
 * One keyset page of the user's conversations from the server-side tag filter, newest first by updatedAt (when the
 * latest complete write landed). The server orders rows by its updated_at, which a write's summary moves before its
 * entries are in, so a row's updatedAt is at most its updated_at: every row newer than the last server row read is
 * known. Rows are sorted by (updatedAt, conversation id) and a page ends only where that order is final; the cursor
 * resumes the server scan high enough to meet rows whose updated_at ran ahead of their updatedAt.
 */
export async function listConversations(
  backend: Backend,
  userId: string,
  tag: string,
  options: Omit<ParsedListOptions, 'after'> & { after: ListCursor | null },
): Promise<ListPage> {
  const { limit, after, updatedAfter } = options;
  let cursor: string | undefined = after ? `${after.server + 1}.${LOWEST_ID}` : undefined;
  // A few rows beyond the page, so a tie at its edge rarely costs a second request.
  let size = Math.min(LIST_PAGE, limit + 5);
  const rows: Row[] = [];
  let more = false;
  for (;;) {
    const page = await backend.api.listByTag(tag, size, cursor);
    let floor = Number.POSITIVE_INFINITY;
    let done = false;
    const mine: { conversation: ApiConversation; owner: { u: string; c: string } }[] = [];
    for (const conversation of page.data) {
      floor = conversation.updated_at;
      // updatedAt <= updated_at: nothing at or below updatedAfter on the server can be above it.
      if (updatedAfter !== null && conversation.updated_at <= updatedAfter) {
        done = true;
        break;
      }
      const owner = ownedBy(conversation, userId);
      if (!owner) continue;
      mine.push({ conversation, owner });
      // Every row seen refreshes the window anchor hint of a cached conversation.
      if (conversation.external_id !== null)
        backend.ids.hint(conversation.external_id, conversation.id, anchorOf(conversation));
    }
    const metas = await mapLimit(mine, 4, (row) => metaOfRow(backend, row.conversation, row.owner));
    mine.forEach(({ conversation }, i) => {
      const meta = metas[i];
      if (!meta || (updatedAfter !== null && meta.updatedAt <= updatedAfter)) return;
      const position = { updatedAt: meta.updatedAt, id: meta.id };
      if (!after || compareForList(position, after) > 0) rows.push({ conversation, meta, position });
    });
    cursor = page.pagination.next_cursor ?? undefined;
    if (done || !cursor || page.data.length === 0) break;
    // Every row newer than the last server row is known; once more of them than the page holds are, its order is final.
    if (rows.filter((r) => r.position.updatedAt > floor).length > limit) {
      more = true;
      break;
    }
    size = LIST_PAGE;
  }
  rows.sort((a, b) => compareForList(a.position, b.position));
  const chosen = rows.slice(0, limit);
  const last = chosen[chosen.length - 1];
  if (!last || !(more || rows.length > limit)) return { items: chosen.map((r) => r.meta), nextCursor: null };
  const server = Math.max(last.position.updatedAt, ...rows.slice(limit).map((r) => r.conversation.updated_at));
  return { items: chosen.map((r) => r.meta), nextCursor: encodeListCursor(last.position, server) };
}
