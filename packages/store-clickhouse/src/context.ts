import type { ClickHouseSettings } from '@clickhouse/client';
import type { Db } from './db.js';
import { KIND, messagesQuery, snapshotQuery } from './queries.js';
import type { Head, Snapshot } from './state.js';

/** Optimistic-write tuning: the cached state a write may start from, and how often an unconditional write retries a lost slot. */
export interface WritePolicy {
  /** How long (ms) a state this store read or wrote may be reused as a write's starting point. 0 turns the cache off. */
  stateCacheMs: number;
  /** Attempts of a write without expectedVersion whose slot another writer took; then CONFLICT (retryable). */
  attempts: number;
}

/** What every operation needs: the table, the clock, insert settings, the lazy first-use check and the state cache. */
export interface StoreInternals {
  db: Db;
  now(): number;
  insertSettings: ClickHouseSettings;
  policy: WritePolicy;
  /** Resolves once the server version is checked and the tables exist (runs once). */
  ready(): Promise<void>;
  /** Recent states by conversation (a hint: every write still competes for its slot). */
  cache: Map<string, Snapshot & { at: number }>;
  /** Runs writes to one conversation one after another within this store. */
  queue: Map<string, Promise<unknown>>;
  /** The message count last seen per conversation: where a window guesses the newest positions are (checked on every read). */
  counts: Map<string, number>;
}

const CACHE_ENTRIES = 500;

/** The cache and queue key of a conversation. */
export function keyOf(userId: string, id: string): string {
  return JSON.stringify([userId, id]);
}

/** Notes a conversation's message count (null: gone), bounded, oldest first out. */
export function noteCount(ctx: StoreInternals, userId: string, id: string, count: number | null): void {
  const key = keyOf(userId, id);
  ctx.counts.delete(key);
  if (count === null) return;
  ctx.counts.set(key, count);
  if (ctx.counts.size > CACHE_ENTRIES) ctx.counts.delete(ctx.counts.keys().next().value!);
}

/** Remembers a conversation's state (bounded, oldest first out). */
export function remember(ctx: StoreInternals, userId: string, id: string, snapshot: Snapshot): void {
  noteCount(ctx, userId, id, snapshot.head?.messageCount ?? null);
  if (ctx.policy.stateCacheMs <= 0) return;
  const key = keyOf(userId, id);
  ctx.cache.delete(key);
  ctx.cache.set(key, { ...snapshot, at: Date.now() });
  if (ctx.cache.size > CACHE_ENTRIES) ctx.cache.delete(ctx.cache.keys().next().value!);
}

/** A cached state young enough to start a write from (with every message id when `needIds`). */
export function cached(ctx: StoreInternals, userId: string, id: string, needIds: boolean): Snapshot | undefined {
  const entry = ctx.cache.get(keyOf(userId, id));
  if (!entry || Date.now() - entry.at > ctx.policy.stateCacheMs || (needIds && !entry.allIds)) return undefined;
  return entry;
}

interface SnapshotRow {
  kind: number;
  ver: number | string;
  is_deleted: number;
  /** The head's JSON; for a message, its id. */
  body: string;
}

/** Reads the state a write starts from; with `ids`, also which of them are stored. */
export async function readSnapshot(
  ctx: StoreInternals,
  userId: string,
  id: string,
  ids?: readonly string[],
): Promise<Snapshot> {
  const params = ids ? { u: userId, c: id, ids } : { u: userId, c: id };
  const rows = await ctx.db.rows<SnapshotRow>(
    'reading a conversation',
    snapshotQuery(ctx.db.table, ids !== undefined),
    params,
  );
  const head = rows.find((r) => Number(r.kind) === KIND.head);
  return {
    slot: Number(head?.ver ?? 0),
    head: head && Number(head.is_deleted) === 0 ? (JSON.parse(head.body) as Head) : null,
    ids: new Set(rows.filter((r) => Number(r.kind) === KIND.message).map((r) => r.body)),
    allIds: false,
  };
}

/** Live messages of a conversation in position order (ids, and bodies when asked). */
export async function readMessages(
  ctx: StoreInternals,
  userId: string,
  id: string,
  withBody: boolean,
): Promise<{ message_id: string; body?: string }[]> {
  return ctx.db.rows('reading messages', messagesQuery(ctx.db.table, withBody), { u: userId, c: id });
}

/** Runs `task` after the writes to the same conversation queued before it in this store. */
export function serialized<T>(ctx: StoreInternals, userId: string, id: string, task: () => Promise<T>): Promise<T> {
  const key = keyOf(userId, id);
  const previous = ctx.queue.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  ctx.queue.set(key, settled);
  void settled.then(() => {
    if (ctx.queue.get(key) === settled) ctx.queue.delete(key);
  });
  return run;
}
