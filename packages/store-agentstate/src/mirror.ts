import { cleanMeta, defaultTitle, type ConversationMeta, type Usage } from '@agent-conversations/core';
import type { LogState } from './log.js';
import type { Anchor } from './window.js';
import type { ApiConversation } from './wire.js';

/** What `list` shows, as of the stamp; caller metadata as JSON text so any key survives. */
interface Snapshot {
  count: number;
  version: number;
  title: string;
  model?: string;
  provider?: string;
  usage?: Usage;
  metadata?: string;
  createdAt?: number;
}

/**
 * The conversation's `metadata.acs`: owner (`u`, `c`), the write that stored it (`w`), and the summary `s` of the state
 * that write leads to, stamped with the `token_count`/`message_count` (`b`, `n`) the conversation has once that write's
 * entries are all in. It is written before the entries, so it is trusted only while the counters say so.
 */
export interface Mirror {
  v: 2;
  u: string;
  c: string;
  w: string;
  b: number;
  n: number;
  s: Snapshot;
  /** Where a message window starts reading (see window.ts); absent when no write stored one. */
  k?: Anchor;
}

/**
 * token_count of the first entry of a write that is not a plain append: 2^24 plus a random part, so a stamp is reached
 * only by the write that set it, and a plain append (token 1) is told apart from everything else by the difference.
 */
export const HEAVY = 2 ** 24;

/** The owner fields of a conversation this store wrote (any format version), or null for anything else. */
export function readOwner(conversation: ApiConversation): { u: string; c: string } | null {
  const acs = conversation.metadata?.acs as { u?: unknown; c?: unknown } | undefined;
  return acs && typeof acs.u === 'string' && typeof acs.c === 'string' ? { u: acs.u, c: acs.c } : null;
}

/** The owner when the conversation belongs to this user (and id, when given); null otherwise, so a hash collision never leaks. */
export function ownedBy(conversation: ApiConversation, userId: string, id?: string): { u: string; c: string } | null {
  const owner = readOwner(conversation);
  return owner && owner.u === userId && (id === undefined || owner.c === id) ? owner : null;
}

function mirrorOf(conversation: ApiConversation): Mirror | null {
  const m = conversation.metadata?.acs as Partial<Mirror> | undefined;
  return m && m.v === 2 && typeof m.b === 'number' && typeof m.n === 'number' && typeof m.s === 'object' && m.s !== null
    ? (m as Mirror)
    : null;
}

/** The window anchor the conversation's summary carries, if any. */
export function anchorOf(conversation: ApiConversation): Anchor | undefined {
  const k = mirrorOf(conversation)?.k;
  return k &&
    typeof k.e === 'string' &&
    typeof k.w === 'string' &&
    [k.j, k.n, k.p, k.v, k.a, k.b].every(Number.isInteger)
    ? k
    : undefined;
}

/** The title: the one recorded by the latest write, else the conversation's, else derived from the messages. */
export function titleOf(state: LogState, conversation: ApiConversation): string {
  return state.title ?? conversation.title ?? defaultTitle(state.messages);
}

/** The mirror a writer stores before posting its entries: the state it computes, stamped with the counters it expects. */
export function buildMirror(
  fields: { userId: string; id: string; write: string; tokenCount: number; messageCount: number; anchor?: Anchor },
  state: LogState,
  title: string,
): { acs: Mirror } {
  const s: Snapshot = { count: state.messages.length, version: state.version, title };
  if (state.model !== undefined) s.model = state.model;
  if (state.provider !== undefined) s.provider = state.provider;
  if (state.usage !== undefined) s.usage = state.usage;
  if (state.metadata !== undefined) s.metadata = JSON.stringify(state.metadata);
  if (state.createdAt !== undefined) s.createdAt = state.createdAt;
  const acs: Mirror = {
    v: 2,
    u: fields.userId,
    c: fields.id,
    w: fields.write,
    b: fields.tokenCount,
    n: fields.messageCount,
    s,
  };
  if (fields.anchor) acs.k = fields.anchor;
  return { acs };
}

function metaOf(conversation: ApiConversation, owner: { u: string; c: string }, s: Snapshot): ConversationMeta {
  return cleanMeta({
    id: owner.c,
    userId: owner.u,
    title: s.title,
    messageCount: s.count,
    model: s.model,
    provider: s.provider,
    usage: s.usage,
    metadata: s.metadata === undefined ? undefined : (JSON.parse(s.metadata) as Record<string, unknown>),
    createdAt: s.createdAt ?? conversation.created_at,
    updatedAt: conversation.updated_at,
    version: s.version,
  });
}

/**
 * The meta of a listed conversation from its row alone, or null when the row cannot tell (the entries must be read).
 * Counters at the stamp: the mirror's write and nothing else landed. Above it by d tokens (d < 2^24) and d..5d
 * messages: only d plain appends landed since, which add messages and nothing else. Either way the last request that
 * moved the row's updated_at was the last request of the latest complete write, so updated_at is its updatedAt.
 */
export function metaFromRow(conversation: ApiConversation, owner: { u: string; c: string }): ConversationMeta | null {
  const mirror = mirrorOf(conversation);
  if (!mirror || mirror.s.version < 1) return null;
  const tokens = conversation.token_count - mirror.b;
  const messages = conversation.message_count - mirror.n;
  if (tokens === 0 && messages === 0) return metaOf(conversation, owner, mirror.s);
  if (tokens > 0 && tokens < HEAVY && messages >= tokens && messages <= 5 * tokens) {
    return metaOf(conversation, owner, {
      ...mirror.s,
      count: mirror.s.count + messages,
      version: mirror.s.version + tokens,
    });
  }
  return null;
}

/**
 * The meta from replayed entries. updatedAt is when the latest complete write landed, never the row's updated_at: a
 * summary PUT moves that before its write's entries are in (and a failed write leaves it moved). createdAt is the
 * conversation's unless imported.
 */
export function metaFromState(
  conversation: ApiConversation,
  owner: { u: string; c: string },
  state: LogState,
): ConversationMeta {
  return cleanMeta({
    id: owner.c,
    userId: owner.u,
    title: titleOf(state, conversation),
    messageCount: state.messages.length,
    model: state.model,
    provider: state.provider,
    usage: state.usage,
    metadata: state.metadata,
    createdAt: state.createdAt ?? conversation.created_at,
    updatedAt: state.updatedAt,
    version: state.version,
  });
}
