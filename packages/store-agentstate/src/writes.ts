import type { ConversationMeta, PreparedMessage } from '@agent-conversations/core';
import { notFound, pause, postWrite, type Backend, type Loaded, type Target } from './backend.js';
import { isUnknownOutcome } from './http.js';
import { writeId } from './ids.js';
import { advance, emptyState, encodeWrite, type LogState, type Op } from './log.js';
import { anchorOf, buildMirror, HEAVY, metaFromState, titleOf } from './mirror.js';
import { ANCHOR_BEHIND, ANCHOR_REFRESH, anchorFor } from './window.js';
import { MAX_BATCH, type ApiConversation } from './wire.js';

/** The first entry's token_count for a write that is not a plain append: unique enough that only this write reaches its stamp. */
function heavyToken(): number {
  return HEAVY + (globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! % HEAVY);
}

/** Stamps the state a write led to with the created_at of its last request: what a replay of it gives. */
function landed(after: LogState, at: number): void {
  after.updatedAt = at;
  after.at = Math.max(after.at, at);
}

/** A plain append adds 1-5 messages in one request and changes nothing else, so `list` can count it from the counters. */
function isPlain(op: Op, count: number, version: number): boolean {
  return (
    version > 0 && count >= 1 && count <= MAX_BATCH && op.t === undefined && op.cut === undefined && !op.set && !op.add
  );
}

/**
 * Writes to an existing conversation. A plain append is one request. Anything else first stores the summary of the
 * state it leads to (stamped with the counters that state will have), then posts its entries in requests of at most
 * 5; readers use the summary only once the counters match, and replay only complete writes.
 */
export async function commit(
  backend: Backend,
  target: Target,
  loaded: Loaded,
  messages: readonly PreparedMessage[],
  op: Op,
): Promise<ConversationMeta> {
  const { conversation, owner, state } = loaded;
  const write = writeId();
  const length = state.messages.length;
  const start = op.cut !== undefined && op.cut < length ? op.cut : length;
  const current = anchorOf(conversation)?.p ?? 0;
  const lagging = length - current > ANCHOR_REFRESH;
  const simple = isPlain(op, messages.length, state.version);
  const anchor =
    simple && !lagging ? undefined : anchorFor(conversation.messages ?? [], Math.min(start, length - ANCHOR_BEHIND));
  // A plain append stays one request of entries unless the window anchor lags far behind and this write can move it up.
  const plain = simple && !(lagging && (anchor?.p ?? 0) > current);
  const token = plain ? 1 : heavyToken();
  const entries = encodeWrite(messages, { ...op, v: state.version, h: state.at }, write, token);
  const after = advance(state, op, messages);
  if (!plain) {
    const title = titleOf(after, conversation);
    const stamp = {
      tokenCount: conversation.token_count + token,
      messageCount: conversation.message_count + entries.length,
    };
    const metadata = buildMirror({ userId: target.userId, id: target.id, write, ...stamp, anchor }, after, title);
    if (!(await backend.api.put(conversation.id, { title, metadata }))) throw notFound(target.id);
  }
  landed(after, await postWrite(backend, target, conversation.id, entries, write));
  // The summary this write stored carries `anchor` (or none): the next window reads after it alongside the row.
  if (!plain) backend.ids.hint(target.externalId, conversation.id, anchor);
  return metaFromState(conversation, owner, after);
}

/**
 * Creates the conversation without messages (so the server's non-atomic create has nothing to half-store), tags it
 * for the user, then posts the entries. Returns null when another writer created it first. A lost create is resolved
 * by reading the external id and looking for this write's id, never by creating twice.
 */
export async function createConversation(
  backend: Backend,
  target: Target,
  messages: readonly PreparedMessage[],
  op: Op,
): Promise<ConversationMeta | null> {
  const write = writeId();
  const token = heavyToken();
  const entries = encodeWrite(messages, op, write, token);
  const after = advance(emptyState(), op, messages);
  const title = op.t ?? '';
  const metadata = buildMirror(
    { userId: target.userId, id: target.id, write, tokenCount: token, messageCount: entries.length },
    after,
    title,
  );
  let created: ApiConversation | null = null;
  for (let attempt = 0; !created; attempt++) {
    try {
      created = await backend.api.create({ external_id: target.externalId, title, metadata });
      if (!created) return null;
    } catch (error) {
      if (!isUnknownOutcome(error) || attempt >= backend.options.retries) throw error;
      await pause(backend.options, attempt);
      const found = await backend.api.byExternalId(target.externalId);
      if (found && (found.metadata?.acs as { w?: unknown } | undefined)?.w === write) created = found;
      else if (found) return null;
    }
  }
  if (!(await backend.api.addTags(created.id, [target.tag]))) throw notFound(target.id);
  landed(after, await postWrite(backend, target, created.id, entries, write));
  backend.ids.set(target.externalId, created.id);
  return metaFromState(created, { u: target.userId, c: target.id }, after);
}
