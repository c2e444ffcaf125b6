import { createHash, randomUUID } from 'node:crypto';
import { ConversationStoreError } from '@agent-conversations/core';
import { TOMBSTONE_VERSION } from './clock.js';
import type { StoreInternals } from './context.js';
import { ADAPTER } from './errors.js';
import { deletedGenerationsQuery, eventExistsQuery, KIND, keysQuery } from './queries.js';
import { row, type Row } from './state.js';

/** The event row every write adds: the version is the number of these in the generation. */
export function eventRow(userId: string, id: string, generation: string, fields: Partial<Row> & { seq: number; ver: number; updated_at: number }): Row {
  return row({ user_id: userId, conversation_id: id, kind: KIND.event, generation, row_id: randomUUID(), ...fields });
}

/** A tombstone for one row key: the maximum version, so nothing written to that key later can win. */
export function tombstone(userId: string, id: string, r: { kind: number; generation: string; seq: number | string; row_id: string }): Row {
  return row({ user_id: userId, conversation_id: id, kind: Number(r.kind), generation: r.generation, seq: Number(r.seq), row_id: r.row_id, ver: TOMBSTONE_VERSION, is_deleted: 1 });
}

/** What a conditional write competes for: the generation it read (or the absent state) and the version it expects. */
export interface Precondition {
  generation: string | null;
  expected: number;
}

async function absentMarker(ctx: StoreInternals, userId: string, id: string): Promise<string> {
  const [first] = await ctx.db.rows<{ n: number | string }>('checking deleted generations', deletedGenerationsQuery(ctx.db.table), { u: userId, c: id });
  return `absent:${Number(first?.n ?? 0)}`;
}

/**
 * Inserts a write's rows as one block. Unconditional writes use the configured (async) insert settings.
 * A write with expectedVersion is a compare-and-set: a synchronous insert whose deduplication token
 * names (table, user, conversation, generation, expected version), so of two writers that read the same
 * version ClickHouse stores only the first block; the loser's block is dropped whole and it finds its
 * event row missing, which is a CONFLICT with nothing written.
 */
export async function commit(ctx: StoreInternals, what: string, userId: string, id: string, rows: Row[], event: Row, condition?: Precondition): Promise<void> {
  if (!condition) {
    await ctx.db.insert(what, ctx.db.table, rows, { ...ctx.insertSettings, insert_deduplication_token: '' });
    return;
  }
  const marker = condition.generation ?? (await absentMarker(ctx, userId, id));
  const token = createHash('sha256').update(JSON.stringify([ctx.db.table.display, userId, id, marker, condition.expected])).digest('hex');
  await ctx.db.insert(what, ctx.db.table, rows, { ...ctx.insertSettings, async_insert: 0, insert_deduplication_token: token });
  const params = { u: userId, c: id, g: event.generation, s: event.seq, r: event.row_id };
  // The empty token matters on chdb only, where settings stay set on the session: it keeps the token off later inserts.
  const [found] = await ctx.db.rows<{ n: number | string }>('confirming a conditional write', eventExistsQuery(ctx.db.table), params, { insert_deduplication_token: '' });
  if (Number(found?.n ?? 0) === 0) {
    throw new ConversationStoreError('CONFLICT', `another writer changed conversation "${id}" at version ${condition.expected} first; reload it and retry`, { adapter: ADAPTER });
  }
}

interface KeyRow {
  conversation_id: string;
  kind: number;
  generation: string;
  seq: number | string;
  row_id: string;
}

/** Tombstones every live row of one conversation (id given) or of the user; returns how many conversations were live. */
export async function tombstoneAll(ctx: StoreInternals, userId: string, id?: string): Promise<number> {
  await ctx.ready();
  const params = id === undefined ? { u: userId } : { u: userId, c: id };
  const keys = await ctx.db.rows<KeyRow>('finding rows to delete', keysQuery(ctx.db.table, id !== undefined), params);
  const live = new Set(keys.filter((k) => Number(k.kind) === KIND.head).map((k) => k.conversation_id));
  const rows = keys.map((k) => tombstone(userId, k.conversation_id, k));
  await ctx.db.insert('deleting', ctx.db.table, rows, { ...ctx.insertSettings, insert_deduplication_token: '' });
  return live.size;
}
