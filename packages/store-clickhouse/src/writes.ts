import { randomUUID } from 'node:crypto';
import {
  addUsage,
  assertConversationId,
  assertUtf8UserId,
  checkVersion,
  cleanMeta,
  ConversationStoreError,
  DEFAULT_TITLE,
  firstChangedIndex,
  prepareInput,
  prepareMessages,
  preparePatch,
  resolveTitle,
  validateExpectedVersion,
  upsertedMeta,
  validateUsage,
  type AppendOptions,
  type ConversationInput,
  type ConversationMeta,
  type ConversationPatch,
  type MessageInput,
  type WriteOptions,
} from '@agent-conversations/core';
import { tick } from './clock.js';
import { commit, eventRow, tombstone } from './commit.js';
import { loadMessageRows, loadState, messageFingerprint, messagesOf, type MessageRow, type StoreInternals } from './context.js';
import { ADAPTER } from './errors.js';
import { KIND } from './queries.js';
import { headRow, row, type Row } from './state.js';

function notFound(id: string): ConversationStoreError {
  return new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, { adapter: ADAPTER });
}

/** Creates or replaces the message list, writing only from the first changed message on, in one INSERT. */
export async function upsert(ctx: StoreInternals, raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
  const input = prepareInput(raw);
  assertUtf8UserId(input.userId, 'ClickHouse');
  const expected = validateExpectedVersion(opts?.expectedVersion);
  await ctx.ready();
  const [state, stored] = await Promise.all([loadState(ctx, input.userId, input.id), loadMessageRows(ctx, input.userId, input.id, false)]);
  checkVersion(expected, state?.meta.version ?? 0, ADAPTER);
  const generation = state?.generation ?? randomUUID();
  const kept: MessageRow[] = state ? stored.filter((m) => m.generation === generation) : [];
  const incoming = input.messages.map((m) => ({ ...m, json: messageFingerprint(m.json) }));
  const start = firstChangedIndex(kept.map((m) => m.fp), incoming);
  const now = ctx.now();
  const time = input.updatedAt ?? (state ? Math.max(now, state.meta.updatedAt) : now);
  const ver = tick((state?.headVer ?? 0) + 1);
  const rows: Row[] = kept.slice(start).map((m) => tombstone(input.userId, input.id, { ...m, kind: KIND.message }));
  let lastSeq = state ? Math.max(state.lastSeq, state.eventSeq) : 0;
  for (const [i, m] of input.messages.slice(start).entries()) {
    lastSeq = tick(lastSeq + 1);
    rows.push(row({ user_id: input.userId, conversation_id: input.id, kind: KIND.message, generation, seq: lastSeq, row_id: m.message.id, ver, fp: incoming[start + i]!.json, body: m.json }));
  }
  const meta = upsertedMeta(input, state?.meta, time);
  const event = eventRow(input.userId, input.id, generation, { seq: tick(lastSeq + 1), ver, updated_at: time, last_seq: lastSeq });
  rows.push(headRow(input.userId, { meta, generation, lastSeq, eventSeq: state?.eventSeq ?? 0 }, ver), event);
  const condition = expected === undefined ? undefined : { generation: state?.generation ?? null, expected };
  await commit(ctx, 'saving a conversation', input.userId, input.id, rows, event, condition);
  return meta;
}

/** Adds messages and a usage delta as new rows plus one event row (no read-modify-write of the head), in one INSERT. */
export async function append(ctx: StoreInternals, userId: string, id: string, raw: readonly MessageInput[], opts?: AppendOptions): Promise<ConversationMeta> {
  assertUtf8UserId(userId, 'ClickHouse');
  assertConversationId(id);
  const prepared = prepareMessages(raw, { allowEmpty: false });
  const delta = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
  const expected = validateExpectedVersion(opts?.expectedVersion);
  await ctx.ready();
  const state = await loadState(ctx, userId, id, prepared.map((m) => m.message.id));
  if (!state) throw notFound(id);
  checkVersion(expected, state.meta.version, ADAPTER);
  const dup = state.duplicates[0];
  if (dup !== undefined) throw new ConversationStoreError('CONFLICT', `message id "${dup}" is already in conversation "${id}"`, { adapter: ADAPTER });
  let title = state.meta.title;
  if (title === DEFAULT_TITLE) {
    const existing = state.meta.messageCount > 0 ? messagesOf(await loadMessageRows(ctx, userId, id, true), state.generation) : [];
    title = resolveTitle(undefined, title, [...existing, ...prepared.map((m) => m.message)]);
  }
  const time = Math.max(ctx.now(), state.meta.updatedAt);
  const ver = tick();
  let lastSeq = Math.max(state.lastSeq, state.eventSeq);
  const rows: Row[] = prepared.map((m) => {
    lastSeq = tick(lastSeq + 1);
    return row({ user_id: userId, conversation_id: id, kind: KIND.message, generation: state.generation, seq: lastSeq, row_id: m.message.id, ver, fp: messageFingerprint(m.json), body: m.json });
  });
  const event = eventRow(userId, id, state.generation, {
    seq: tick(lastSeq + 1),
    ver,
    updated_at: time,
    last_seq: lastSeq,
    message_count: prepared.length,
    usage: (delta ?? {}) as Record<string, number>,
    body: title !== state.meta.title ? JSON.stringify({ title }) : '',
  });
  rows.push(event);
  const condition = expected === undefined ? undefined : { generation: state.generation, expected };
  await commit(ctx, 'appending messages', userId, id, rows, event, condition);
  return cleanMeta({ ...state.meta, title, messageCount: state.meta.messageCount + prepared.length, usage: addUsage(state.meta.usage, delta), updatedAt: time, version: state.meta.version + 1 });
}

/** Writes a new head with the patch applied, folding the events read so far, plus its event row. */
export async function update(ctx: StoreInternals, userId: string, id: string, raw: ConversationPatch, opts?: WriteOptions): Promise<ConversationMeta> {
  assertUtf8UserId(userId, 'ClickHouse');
  assertConversationId(id);
  const patch = preparePatch(raw);
  const expected = validateExpectedVersion(opts?.expectedVersion);
  await ctx.ready();
  const state = await loadState(ctx, userId, id);
  if (!state) throw notFound(id);
  checkVersion(expected, state.meta.version, ADAPTER);
  const meta = cleanMeta({ ...state.meta, ...patch, updatedAt: Math.max(ctx.now(), state.meta.updatedAt), version: state.meta.version + 1 });
  const ver = tick(state.headVer + 1);
  const head = headRow(userId, { meta, generation: state.generation, lastSeq: state.lastSeq, eventSeq: state.eventSeq }, ver);
  const event = eventRow(userId, id, state.generation, { seq: tick(Math.max(state.lastSeq, state.eventSeq) + 1), ver, updated_at: meta.updatedAt, last_seq: state.lastSeq });
  const condition = expected === undefined ? undefined : { generation: state.generation, expected };
  await commit(ctx, 'updating a conversation', userId, id, [head, event], event, condition);
  return meta;
}
