import type { TableName } from './table-name.js';

/** Row kinds stored in the one conversation table. */
export const KIND = { head: 0, message: 1, event: 2 } as const;

/** The conversation's head and messages, in position order, as `kind<TAB>body` lines (read with FINAL: deleted rows are gone). */
export function getQuery(t: TableName): string {
  return `SELECT kind, body FROM ${t.sql} FINAL
WHERE user_id = {u:String} AND kind IN (${KIND.head}, ${KIND.message}) AND conversation_id = {c:String} AND is_deleted = 0
ORDER BY kind, seq`;
}

/**
 * What a write starts from: the newest version of the head (a tombstone too, so the slot of a deleted conversation is
 * known), read without FINAL; with `{ids}` bound, also which of those message ids the live list holds (FINAL over the
 * conversation's positions, reading ids, not bodies).
 */
export function snapshotQuery(t: TableName, withIds: boolean): string {
  const head = `SELECT ${KIND.head} AS kind, ver, is_deleted, body FROM ${t.sql}
WHERE user_id = {u:String} AND kind = ${KIND.head} AND conversation_id = {c:String} AND seq = 0
ORDER BY ver DESC
LIMIT 1`;
  if (!withIds) return head;
  return `${head}
UNION ALL
SELECT ${KIND.message} AS kind, 0 AS ver, 0 AS is_deleted, message_id AS body FROM ${t.sql} FINAL
WHERE user_id = {u:String} AND kind = ${KIND.message} AND conversation_id = {c:String} AND is_deleted = 0 AND message_id IN {ids:Array(String)}`;
}

/** Live message rows of one conversation in position order (ids only, or with bodies). */
export function messagesQuery(t: TableName, withBody: boolean): string {
  return `SELECT message_id${withBody ? ', body' : ''} FROM ${t.sql} FINAL
WHERE user_id = {u:String} AND kind = ${KIND.message} AND conversation_id = {c:String} AND is_deleted = 0
ORDER BY seq`;
}

/** The write ids stored for one slot: how a write learns whether its insert won the slot (a point read on the key). */
export function confirmQuery(t: TableName): string {
  return `SELECT body FROM ${t.sql}
WHERE user_id = {u:String} AND kind = ${KIND.event} AND conversation_id = {c:String} AND seq = {s:UInt64}`;
}

/** The live head's message count: what a cold newest window reads first (the scalar subquery of windowQuery). */
export function countQuery(t: TableName): string {
  return `SELECT JSONExtractUInt(body, 'messageCount') FROM ${t.sql} FINAL
  WHERE user_id = {u:String} AND kind = ${KIND.head} AND conversation_id = {c:String} AND seq = 0 AND is_deleted = 0`;
}

/**
 * A window: the head and the live messages at positions [lo, hi), as `kind<TAB>seq<TAB>body` lines. Positions are in
 * the sorting key, so FINAL reads only the head's key and that key range, however long the conversation. Without
 * `range` the window is the newest {limit}: hi is the head's message count from a scalar subquery, which ClickHouse
 * runs before it analyses the primary key, so the key range is still a constant there.
 */
export function windowQuery(t: TableName, range: boolean): string {
  const count = `WITH (${countQuery(t)}) AS n
`;
  const bounds = range
    ? 'seq >= {lo:UInt64} AND seq < {hi:UInt64}'
    : 'seq >= greatest(n, {limit:UInt64}) - {limit:UInt64} AND seq < n';
  return `${range ? '' : count}SELECT kind, seq, body FROM ${t.sql} FINAL
WHERE user_id = {u:String} AND conversation_id = {c:String} AND is_deleted = 0
  AND ((kind = ${KIND.head} AND seq = 0) OR (kind = ${KIND.message} AND ${bounds}))
ORDER BY kind, seq`;
}

/** One keyset page of live heads (meta JSON lines), newest first; binds {u}, {limit} and, when used, {after}, {cu}, {cid}. */
export function listQuery(t: TableName, updatedAfter: boolean, cursor: boolean): string {
  const filters = [`user_id = {u:String}`, `kind = ${KIND.head}`, 'is_deleted = 0'];
  if (updatedAfter) filters.push('updated_at > {after:Float64}');
  if (cursor) filters.push('(updated_at < {cu:Int64} OR (updated_at = {cu:Int64} AND conversation_id < {cid:String}))');
  return `SELECT body FROM ${t.sql} FINAL
WHERE ${filters.join(' AND ')}
ORDER BY updated_at DESC, conversation_id DESC
LIMIT {limit:UInt32}`;
}

/** Ids of the user's live conversations. */
export function liveIdsQuery(t: TableName): string {
  return `SELECT conversation_id FROM ${t.sql} FINAL WHERE user_id = {u:String} AND kind = ${KIND.head} AND is_deleted = 0`;
}

/** A page of user ids with a live conversation, ascending after {after}. */
export function usersQuery(t: TableName): string {
  return `SELECT DISTINCT user_id FROM ${t.sql} FINAL
WHERE kind = ${KIND.head} AND user_id > {after:String} AND is_deleted = 0
ORDER BY user_id
LIMIT {limit:UInt32}`;
}
