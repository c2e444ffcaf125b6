import { ConversationStoreError } from '@agent-conversations/core';
import type { AgentStateApi } from './api.js';
import { backoffMs, isUnknownOutcome } from './http.js';
import type { IdCache } from './id-cache.js';
import { fold, landedAt, type LogState } from './log.js';
import { anchorOf, ownedBy } from './mirror.js';
import type { ResolvedOptions } from './options.js';
import { MAX_BATCH, type ApiConversation, type ApiMessageInput } from './wire.js';

/** What every operation works with: the typed API, the resolved options and the external-id-to-id cache. */
export interface Backend {
  api: AgentStateApi;
  options: ResolvedOptions;
  ids: IdCache;
}

/** A conversation row of this user, read with all its entries replayed. */
export interface Loaded {
  conversation: ApiConversation;
  owner: { u: string; c: string };
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
  return new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, {
    adapter: 'agentstate',
  });
}

/** Sleeps a jittered backoff before resolving a lost response. */
export function pause(options: ResolvedOptions, attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, backoffMs(options.retryDelayMs, attempt)));
}

/**
 * Reads the user's conversation by its external id (one request, every entry) and replays it; ownership is checked on
 * the stored owner. Remembers the conversation's id (and the window anchor its summary carries) once it has a complete
 * write (so a cached id always names a conversation that existed), forgets it when the external id is missing or not
 * this user's.
 */
export async function load(backend: Backend, target: Target): Promise<Lookup> {
  const conversation = await backend.api.byExternalId(target.externalId);
  const owner = conversation && ownedBy(conversation, target.userId, target.id);
  if (!conversation || !owner) {
    backend.ids.evict(target.externalId);
    return conversation ? 'foreign' : 'missing';
  }
  const state = fold(conversation.messages ?? []);
  if (state.version > 0) backend.ids.set(target.externalId, conversation.id, anchorOf(conversation));
  return { conversation, owner, state };
}

/**
 * Runs `task` on the cached id of the conversation; on null (the API's 404: the conversation was deleted, maybe
 * created again by another instance) evicts it and returns null, so the caller looks the external id up instead.
 * Without a cached id it returns null at once.
 */
export async function withCachedId<T>(
  backend: Backend,
  target: Target,
  task: (id: string) => Promise<T | null>,
): Promise<T | null> {
  const id = backend.ids.get(target.externalId);
  if (id === undefined) return null;
  const result = await task(id);
  if (result === null) backend.ids.evict(target.externalId, id);
  return result;
}

/** Posts one request's entries; a lost response is resolved by reading and looking for them, never by posting blindly twice. Returns their created_at. */
async function postChunk(
  backend: Backend,
  target: Target,
  conversationId: string,
  chunk: ApiMessageInput[],
  write: string,
  from: number,
): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const stored = await backend.api.postMessages(conversationId, chunk);
      if (!stored) throw notFound(target.id);
      return Math.max(0, ...stored.map((m) => m.created_at ?? 0));
    } catch (error) {
      if (!isUnknownOutcome(error) || attempt >= backend.options.retries) throw error;
      await pause(backend.options, attempt);
      const fresh = await backend.api.byExternalId(target.externalId);
      if (!fresh || fresh.id !== conversationId) throw notFound(target.id);
      const at = landedAt(fresh.messages ?? [], write, from, chunk.length);
      if (at !== null) return at;
    }
  }
}

/** Posts a write's entries in requests of at most 5, in order; the write counts once the last one is stored. Returns the last request's created_at. */
export async function postWrite(
  backend: Backend,
  target: Target,
  conversationId: string,
  entries: ApiMessageInput[],
  write: string,
): Promise<number> {
  let at = 0;
  for (let from = 0; from < entries.length; from += MAX_BATCH) {
    at = Math.max(
      at,
      await postChunk(backend, target, conversationId, entries.slice(from, from + MAX_BATCH), write, from),
    );
  }
  return at;
}
