import type { ConversationMeta, PreparedMessage } from '@agent-conversations/core';
import { finish, pause, postEntries, type Backend, type Loaded, type Target } from './backend.js';
import { isUnknownOutcome } from './http.js';
import { writeId } from './ids.js';
import { advance, emptyState, encodeBatch, fold, type Op } from './log.js';
import { buildMirror, ownedMirror } from './mirror.js';
import type { ApiConversation } from './wire.js';

/**
 * Creates the conversation in one request (external id, title, mirror, entries), then tags it for the user and confirms
 * the tag in the mirror. Returns null when another writer created it first. A lost response is resolved by reading the
 * external id and looking for this write's id, never by creating twice.
 */
export async function createConversation(backend: Backend, target: Target, messages: readonly PreparedMessage[], op: Op): Promise<ConversationMeta | null> {
  const write = writeId();
  const state = advance(emptyState(), op, messages, write);
  const entries = encodeBatch(messages, op, write);
  const stamp = { tokenCount: 1, messageCount: entries.length };
  const body = { external_id: target.externalId, title: op.t, metadata: buildMirror({ ...target, tagged: false, write, ...stamp }, state), messages: entries };
  let created: ApiConversation | null = null;
  for (let attempt = 0; !created; attempt++) {
    let answer: ApiConversation | null | undefined;
    try {
      answer = await backend.api.create(body);
    } catch (error) {
      if (!isUnknownOutcome(error) || attempt >= backend.options.retries) throw error;
      await pause(backend.options, attempt);
    }
    if (answer) {
      created = answer;
      break;
    }
    // 409 or an unknown outcome: whoever holds the external id now decides.
    const found = await backend.api.byExternalId(target.externalId, true);
    if (found && ownedMirror(found, target.userId, target.id) && fold(await backend.api.entries(found)).writes.has(write)) created = found;
    else if (found) return null;
    else if (answer === null && attempt >= backend.options.retries) return null;
  }
  return finish(backend, target, created, stamp, false, write, state);
}

/** Writes to an existing conversation: posts the batch (op on its first entry), then refreshes the mirror. */
export async function commit(backend: Backend, target: Target, loaded: Loaded, messages: readonly PreparedMessage[], op: Op): Promise<ConversationMeta> {
  const write = writeId();
  const entries = encodeBatch(messages, op, write);
  const { conversation, mirror } = loaded;
  await postEntries(backend, target, conversation.id, entries, write);
  const state = advance(loaded.state, op, messages, write);
  const stamp = { tokenCount: conversation.token_count + 1, messageCount: conversation.message_count + entries.length };
  return finish(backend, target, conversation, stamp, mirror.t === 1, write, state);
}
