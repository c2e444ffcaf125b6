import { windowRange, type MessageWindow, type ParsedWindowOptions } from '@agent-conversations/core';
import { withCachedId, type Backend, type Target } from './backend.js';
import { anchorOf, metaFromRow, ownedBy } from './mirror.js';
import { ANCHOR_BEHIND, pageAfter, readTail, type Anchor } from './window.js';

/** True when both name the same anchor (the same message of the same write, at the same position and version). */
function sameAnchor(a: Anchor, b: Anchor): boolean {
  return (
    a.e === b.e && a.w === b.w && a.j === b.j && a.n === b.n && a.p === b.p && a.v === b.v && a.a === b.a && a.b === b.b
  );
}

/** True when the window likely starts at or after the hinted anchor, so reading after it alongside the row pays off. */
function fits(hint: Anchor, parsed: ParsedWindowOptions): boolean {
  return parsed.before === null ? parsed.limit <= ANCHOR_BEHIND : parsed.before - parsed.limit >= hint.p;
}

/**
 * The window read from the conversation's row and the entries after the row's anchor, by the cached id. With an anchor
 * hint (the anchor last seen on this conversation) both requests go out at once and the page is used only when the row
 * carries that same anchor; else (no hint, or the row moved the anchor) the entries are read after the row's anchor
 * once the row is in. Null when the row cannot serve it (no cached id, a 404, no anchor, a window reaching back past
 * it, a write racing the reads): the caller reads the whole conversation.
 */
export async function windowFromAnchor(
  backend: Backend,
  t: Target,
  parsed: ParsedWindowOptions,
): Promise<MessageWindow | null> {
  const hint = backend.ids.anchor(t.externalId);
  const read = await withCachedId(backend, t, async (id) => {
    const early = hint && fits(hint, parsed) ? pageAfter(backend, id, hint.e) : undefined;
    // Promise.all also settles `early` when the row fails, so its error is never left unhandled.
    const [row, page] = await Promise.all([backend.api.row(id), early]);
    return row && { row, page };
  });
  if (!read) return null;
  const { row, page } = read;
  const owner = ownedBy(row, t.userId, t.id);
  if (!owner) return null;
  const anchor = anchorOf(row);
  backend.ids.hint(t.externalId, row.id, anchor);
  const meta = metaFromRow(row, owner);
  if (!meta || !anchor) return null;
  const range = windowRange(meta.messageCount, parsed);
  if (range.start < anchor.p) return null;
  const first = hint && page !== undefined && sameAnchor(anchor, hint) ? page : undefined;
  const tail = await readTail(backend, row.id, anchor, meta, first);
  if (!tail) return null;
  return { meta, messages: tail.slice(range.start - anchor.p, range.end - anchor.p), nextCursor: range.nextCursor };
}
