import { ConversationStoreError, isConversationStoreError, type ConversationMeta } from '@agent-conversations/core';
import type { AgentStateApi } from './api.js';
import { backoffMs, isUnknownOutcome } from './http.js';
import { fold, type LogState } from './log.js';
import { buildMirror, metaFromState, ownedMirror, titleOf, type Mirror } from './mirror.js';
import type { ResolvedOptions } from './options.js';
import type { ApiConversation } from './wire.js';

/** What every operation works with: the typed API and the resolved options. */
export interface Backend {
  api: AgentStateApi;
  options: ResolvedOptions;
}

/** A conversation of this user read with all its entries replayed. */
export interface Loaded {
  conversation: ApiConversation;
  mirror: Mirror;
  state: LogState;
}

/** `missing` when nothing has the external id; `foreign` when something this user does not own has it. */
export type Lookup = Loaded | 'missing' | 'foreign';

/** Who and what a write is for. */
export interface Target {
  userId: string;
  id: string;
  externalId: string;
  tag: string;
}

/** A NOT_FOUND error for a conversation this user does not have. */
export function notFound(id: string): ConversationStoreError {
  return new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, { adapter: 'agentstate' });
}

/** Sleeps a jittered backoff before resolving a lost response. */
export function pause(options: ResolvedOptions, attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, backoffMs(options.retryDelayMs, attempt)));
}

/** Reads the user's conversation by its external id and replays its entries; ownership is checked on the stored owner. */
export async function load(backend: Backend, target: Target): Promise<Lookup> {
  const conversation = await backend.api.byExternalId(target.externalId, true);
  if (!conversation) return 'missing';
  const mirror = ownedMirror(conversation, target.userId, target.id);
  if (!mirror) return 'foreign';
  const state = fold(await backend.api.entries(conversation));
  await repairTag(backend, target, conversation, mirror);
  return { conversation, mirror, state };
}

/** A conversation whose per-user tag was never confirmed (a create cut short) gets it now, so `list` shows it. */
async function repairTag(backend: Backend, target: Target, conversation: ApiConversation, mirror: Mirror): Promise<void> {
  if (mirror.t === 1 || !(await backend.api.addTags(conversation.id, [target.tag]))) return;
  mirror.t = 1;
  await saveMirror(backend, conversation.id, { metadata: { acs: mirror } });
}

/** Stores the mirror (and title); a failure is logged, not thrown: the entries already hold the write and readers detect the stale mirror. */
export async function saveMirror(backend: Backend, id: string, body: { title?: string; metadata: Record<string, unknown> }): Promise<ApiConversation | null> {
  try {
    return await backend.api.put(id, body);
  } catch (error) {
    if (!isConversationStoreError(error) || error.code === 'UNAUTHORIZED') throw error;
    backend.options.logger.warn(`[agent-conversations] AgentState: the write is stored, but refreshing the conversation summary failed (list reads the messages until the next write): ${error.message}`);
    return null;
  }
}

/** Posts a write's entries; a lost response is resolved by looking for the write id, never by posting blindly twice. */
export async function postEntries(backend: Backend, target: Target, conversationId: string, entries: Parameters<AgentStateApi['postMessages']>[1], write: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (!(await backend.api.postMessages(conversationId, entries))) throw notFound(target.id);
      return;
    } catch (error) {
      if (!isUnknownOutcome(error) || attempt >= backend.options.retries) throw error;
      await pause(backend.options, attempt);
      const fresh = await backend.api.get(conversationId, true);
      if (!fresh) throw notFound(target.id);
      if (fold(await backend.api.entries(fresh)).writes.has(write)) return;
    }
  }
}

/** The counters a write expects the conversation to have right after it; the mirror is stamped with them. */
export interface Stamp {
  tokenCount: number;
  messageCount: number;
}

/** Finishes a write: confirms the tag when needed, stores the mirror and title, and returns the meta (from the final answer). */
export async function finish(backend: Backend, target: Target, base: ApiConversation, stamp: Stamp, tagged: boolean, write: string, state: LogState): Promise<ConversationMeta> {
  if (!tagged) tagged = await backend.api.addTags(base.id, [target.tag]);
  const metadata = buildMirror({ userId: target.userId, id: target.id, tagged, write, ...stamp }, state);
  const after = await saveMirror(backend, base.id, { title: titleOf(state, base), metadata });
  // Without the final answer (the summary failed), the counters are the expected ones and the clock is local.
  const expected: ApiConversation = { ...base, token_count: stamp.tokenCount, message_count: stamp.messageCount, updated_at: Math.max(base.updated_at, Date.now()) };
  return metaFromState(after ?? expected, metadata.acs, state);
}
