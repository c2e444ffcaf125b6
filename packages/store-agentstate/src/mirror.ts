import { cleanMeta, DEFAULT_TITLE, defaultTitle, type ConversationMeta, type Usage } from '@agent-conversations/core';
import type { LogState } from './log.js';
import type { ApiConversation } from './wire.js';

/** The fields `list` needs, as of the stamp; caller metadata as JSON text so any key survives. */
interface Snapshot {
  count: number;
  model?: string;
  provider?: string;
  usage?: Usage;
  metadata?: string;
  createdAt?: number;
}

/**
 * The conversation `metadata.acs` object: owner (`u`, `c`), whether the per-user tag was confirmed (`t`), the
 * `token_count`/`message_count` it was computed at (`b`, `n`), the write that made it (`w`) and the snapshot (`s`).
 * It is a cache of the entries: trusted only while `b` and `n` match the conversation's counters.
 */
export interface Mirror {
  v: 1;
  u: string;
  c: string;
  t: 0 | 1;
  b: number;
  n: number;
  w: string;
  s: Snapshot;
}

/** The mirror of a conversation this store wrote, or null for anything else. */
export function readMirror(conversation: ApiConversation): Mirror | null {
  const mirror = conversation.metadata?.acs as Partial<Mirror> | undefined;
  if (!mirror || mirror.v !== 1 || typeof mirror.u !== 'string' || typeof mirror.c !== 'string' || typeof mirror.s !== 'object' || mirror.s === null) return null;
  return mirror as Mirror;
}

/** The mirror when the conversation belongs to this user (and id, when given); null otherwise, so a hash collision never leaks. */
export function ownedMirror(conversation: ApiConversation, userId: string, id?: string): Mirror | null {
  const mirror = readMirror(conversation);
  if (!mirror || mirror.u !== userId || (id !== undefined && mirror.c !== id)) return null;
  return mirror;
}

/** True when no write landed since the mirror was computed. */
export function isFresh(conversation: ApiConversation, mirror: Mirror): boolean {
  return mirror.b === conversation.token_count && mirror.n === conversation.message_count;
}

function snapshotOf(state: LogState): Snapshot {
  return {
    count: state.messages.length,
    model: state.model,
    provider: state.provider,
    usage: state.usage,
    metadata: state.metadata === undefined ? undefined : JSON.stringify(state.metadata),
    createdAt: state.createdAt,
  };
}

/** The mirror a writer stores after its write: the state it computed, stamped with the counters it expects. */
export function buildMirror(fields: { userId: string; id: string; tagged: boolean; tokenCount: number; messageCount: number; write: string }, state: LogState): { acs: Mirror } {
  return {
    acs: { v: 1, u: fields.userId, c: fields.id, t: fields.tagged ? 1 : 0, b: fields.tokenCount, n: fields.messageCount, w: fields.write, s: snapshotOf(state) },
  };
}

function metaOf(conversation: ApiConversation, mirror: Mirror, snapshot: Snapshot, title: string): ConversationMeta {
  return cleanMeta({
    id: mirror.c,
    userId: mirror.u,
    title,
    messageCount: snapshot.count,
    model: snapshot.model,
    provider: snapshot.provider,
    usage: snapshot.usage,
    metadata: snapshot.metadata === undefined ? undefined : (JSON.parse(snapshot.metadata) as Record<string, unknown>),
    createdAt: snapshot.createdAt ?? conversation.created_at,
    updatedAt: conversation.updated_at,
    version: conversation.token_count,
  });
}

/** The meta from a fresh mirror, without reading any entry. */
export function metaFromMirror(conversation: ApiConversation, mirror: Mirror): ConversationMeta {
  return metaOf(conversation, mirror, mirror.s, conversation.title ?? DEFAULT_TITLE);
}

/** The meta from replayed entries; counters and timestamps come from the conversation. */
export function metaFromState(conversation: ApiConversation, mirror: Mirror, state: LogState): ConversationMeta {
  return metaOf(conversation, mirror, snapshotOf(state), titleOf(state, conversation));
}

/** The title: the one recorded by the latest write, else the conversation's, else derived from the messages. */
export function titleOf(state: LogState, conversation: ApiConversation): string {
  return state.title ?? conversation.title ?? defaultTitle(state.messages);
}
