import type { ConversationMeta, Message } from '@agent-conversations/core';
import type { Backend } from './backend.js';
import { applyTo, compareWrites, emptyState, groupEntries, writeOf, writesOf, type Part } from './log.js';
import type { ApiMessage, ApiPage } from './wire.js';

/**
 * Where a window can start reading: `GET .../messages?after=e` returns the entries of write `w` from index `j` on and
 * every entry after them. Those entries replay, onto `p` messages nobody will change (positions below `p`) at version
 * `v`, to every later message. `a`/`b` are write `w`'s commit order (its `at` and `base`), `n` its entry count.
 */
export interface Anchor {
  e: string;
  w: string;
  j: number;
  n: number;
  p: number;
  v: number;
  a: number;
  b: number;
}

/** How far behind the newest message a writer sets the anchor: windows of up to this many newest messages read only what follows it. */
export const ANCHOR_BEHIND = 100;
/** A plain append that finds the anchor this many messages behind stores its summary too, to move the anchor up (one more request). */
export const ANCHOR_REFRESH = 400;
/** The messages endpoint's largest page; a window reads at most this many pages after its anchor, else the whole conversation. */
const PAGE = 500;
const MAX_PAGES = 3;

/**
 * The anchor for a conversation whose entries are `entries`, at most at position `bound` (the newest messages minus
 * ANCHOR_BEHIND, and no later than where the write about to be posted starts changing messages). Found inside the latest
 * write whose messages stay at their positions; undefined when none fits.
 */
export function anchorFor(entries: readonly ApiMessage[], bound: number): Anchor | undefined {
  if (bound < 1) return undefined;
  const { writes } = writesOf(entries);
  const state = emptyState();
  const steps = writes.map((write) => {
    const before = state.messages.length;
    const cut = write.op?.cut;
    const start = cut !== undefined && cut < before ? cut : before;
    applyTo(state, write);
    return { write, start, added: state.messages.length - start, version: state.version };
  });
  // Positions below `limit` are left alone by every write after step k.
  let limit = bound;
  for (let k = steps.length - 1; k >= 0; k--) {
    const { write, start, added, version } = steps[k]!;
    const stays = added === write.messages.length && added === write.ids.length && added > 0;
    const p = Math.min(limit, start + added);
    if (stays && p >= start + 1) {
      const j = p - start;
      return { e: write.ids[j - 1]!, w: write.key, j, n: added, p, v: version, a: write.at, b: write.base };
    }
    limit = Math.min(limit, start);
    if (limit < 1) return undefined;
  }
  return undefined;
}

/** One page (the largest) of the entries after message `after`; null on 404. */
export function pageAfter(
  backend: Backend,
  conversationId: string,
  after: string,
): Promise<ApiPage<ApiMessage> | null> {
  return backend.api.messagesAfter(conversationId, after, PAGE);
}

/**
 * The messages from position `anchor.p` to the newest, read after the anchor (at most MAX_PAGES requests; `first`, when
 * given, is the first page already read) and replayed onto the untouched prefix. Null when what was read does not add
 * up to `meta` (a write landed between the row and the messages, entries of other tools, a race): the caller reads the
 * whole conversation instead.
 */
export async function readTail(
  backend: Backend,
  conversationId: string,
  anchor: Anchor,
  meta: ConversationMeta,
  first?: ApiPage<ApiMessage> | null,
): Promise<Message[] | null> {
  const entries: ApiMessage[] = [];
  let got = first === undefined ? await pageAfter(backend, conversationId, anchor.e) : first;
  for (let page = 1; got; page++) {
    entries.push(...got.data);
    const next = got.pagination.next_cursor;
    if (!next || got.data.length === 0) break;
    if (page === MAX_PAGES) return null;
    got = await pageAfter(backend, conversationId, next);
  }
  if (!got) return null;
  const { groups, foreign } = groupEntries(entries);
  if (foreign.length) return null;
  // The anchor write's entries j..n-1 are the first messages after the prefix.
  const mine = groups.get(anchor.w);
  groups.delete(anchor.w);
  const rest: Part[] = [];
  for (let i = anchor.j; i < anchor.n; i++) {
    const part = mine?.parts.get(i);
    if (!part || typeof part.tag.j !== 'string') return null;
    rest.push(part);
  }
  const state = {
    ...emptyState(),
    messages: rest.map((p) => JSON.parse(p.tag.j!) as Message),
    json: rest.map((p) => p.tag.j!),
    version: anchor.v,
  };
  const later = [];
  for (const [w, group] of groups) {
    const parts = Array.from({ length: group.n }, (_, i) => group.parts.get(i));
    if (parts.every((p) => p !== undefined)) later.push(writeOf(w, parts as Part[]));
  }
  later.sort(compareWrites);
  const mark = { at: anchor.a, base: anchor.b, key: anchor.w };
  for (const write of later) {
    // A complete write ordered before the anchor's, or one cutting into the prefix: the tail alone cannot tell.
    if (compareWrites(write, mark) <= 0) return null;
    if (write.op?.cut !== undefined && write.op.cut < anchor.p) return null;
    applyTo(
      state,
      write.op?.cut === undefined ? write : { ...write, op: { ...write.op, cut: write.op.cut - anchor.p } },
    );
  }
  if (state.version !== meta.version || anchor.p + state.messages.length !== meta.messageCount) return null;
  return state.messages;
}
