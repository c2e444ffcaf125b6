import type { ClickHouseSettings } from '@clickhouse/client';
import { fingerprint, type Message } from '@agent-conversations/core';
import type { Db } from './db.js';
import { messagesQuery, stateQuery } from './queries.js';
import { toState, type ConversationState, type StateRow } from './state.js';

/** A stored message row as read back. */
export interface MessageRow {
  generation: string;
  seq: number | string;
  row_id: string;
  ver: number | string;
  fp: string;
  body?: string;
}

/** What every operation needs: the table, the clock, insert settings, and the lazy first-use check. */
export interface StoreInternals {
  db: Db;
  now(): number;
  insertSettings: ClickHouseSettings;
  /** Resolves once the server version is checked and the tables exist (runs once). */
  ready(): Promise<void>;
}

/** Fingerprint stored per message: hash plus length, so a changed message is found without reading bodies. */
export function messageFingerprint(json: string): string {
  return `${fingerprint(json)}:${json.length}`;
}

/** The live state of one conversation, or null when it does not exist; with `ids`, also which of them are already stored. */
export async function loadState(ctx: StoreInternals, userId: string, id: string, ids?: string[]): Promise<(ConversationState & { duplicates: string[] }) | null> {
  const params = ids ? { u: userId, c: id, ids } : { u: userId, c: id };
  const [first] = await ctx.db.rows<StateRow>('reading a conversation', stateQuery(ctx.db.table, true, ids !== undefined), params);
  return first ? { ...toState(userId, first), duplicates: first.s_duplicates ?? [] } : null;
}

/** Live message rows of a conversation in order (every generation; filter by the state's). */
export async function loadMessageRows(ctx: StoreInternals, userId: string, id: string, withBody: boolean): Promise<MessageRow[]> {
  return ctx.db.rows<MessageRow>('reading messages', messagesQuery(ctx.db.table, withBody), { u: userId, c: id });
}

/** The messages of one generation, parsed. */
export function messagesOf(rows: readonly MessageRow[], generation: string): Message[] {
  return rows.filter((r) => r.generation === generation).map((r) => JSON.parse(r.body ?? 'null') as Message);
}
