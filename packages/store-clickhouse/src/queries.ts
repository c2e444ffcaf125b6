import type { TableName } from './table-name.js';

/** Row kinds stored in the one conversation table. */
export const KIND = { head: 0, message: 1, event: 2 } as const;

const HEAD = ['generation', 'ver', 'created_at', 'updated_at', 'base_seq', 'last_seq', 'message_count', 'body'] as const;
const EVENT = ['generation', 'seq', 'updated_at', 'message_count', 'last_seq', 'usage', 'body'] as const;
/** The columns of a state row (the helper arrays stay inside the query). */
const STATE_COLUMNS = ['id', 's_generation', 's_ver', 's_created_at', 's_body', 's_version', 's_updated_at', 's_message_count', 's_usage_deltas', 's_title_event', 's_last_seq', 's_event_seq', 's_duplicates'];
const h = (field: (typeof HEAD)[number]) => `tupleElement(h, ${HEAD.indexOf(field) + 1})`;
const e = (field: (typeof EVENT)[number], name = 'e') => `tupleElement(${name}, ${EVENT.indexOf(field) + 1})`;

/**
 * The derived state of the user's live conversations (one, when `{c:String}` is bound), in one scan
 * without JOIN: the newest live head of each conversation plus the write events of its generation.
 * The version is the number of events (one per write); events after the head's `base_seq` add their
 * usage (summed by the caller, in order), message count, time and title candidate. With `withIds`,
 * also the stored ids among `{ids:Array(String)}` (duplicate check for append).
 */
export function stateQuery(t: TableName, oneConversation: boolean, withIds = false): string {
  const only = oneConversation ? ' AND conversation_id = {c:String}' : '';
  const kinds = withIds ? `(kind IN (${KIND.head}, ${KIND.event}) OR (kind = ${KIND.message} AND has({ids:Array(String)}, row_id)))` : `kind IN (${KIND.head}, ${KIND.event})`;
  return `SELECT ${STATE_COLUMNS.join(', ')} FROM (
SELECT
  id,
  ${h('generation')} AS s_generation,
  ${h('ver')} AS s_ver,
  ${h('created_at')} AS s_created_at,
  ${h('body')} AS s_body,
  arrayFilter(e -> ${e('generation')} = ${h('generation')}, events) AS gen_events,
  arrayFilter(e -> ${e('seq')} > ${h('base_seq')}, gen_events) AS after,
  length(gen_events) AS s_version,
  greatest(${h('updated_at')}, arrayMax(arrayMap(e -> ${e('updated_at')}, after))) AS s_updated_at,
  ${h('message_count')} + arraySum(arrayMap(e -> ${e('message_count')}, after)) AS s_message_count,
  arrayFilter(u -> length(mapKeys(u)) > 0, arrayMap(e -> ${e('usage')}, after)) AS s_usage_deltas,
  ${e('body', `arrayFirst(e -> ${e('body')} != '', after)`)} AS s_title_event,
  greatest(${h('last_seq')}, arrayMax(arrayMap(e -> ${e('last_seq')}, gen_events))) AS s_last_seq,
  greatest(${h('base_seq')}, arrayMax(arrayMap(e -> ${e('seq')}, gen_events))) AS s_event_seq,
  arrayMap(m -> m.2, arrayFilter(m -> m.1 = ${h('generation')}, stored_ids)) AS s_duplicates
FROM (
  SELECT
    conversation_id AS id,
    argMaxIf(tuple(${HEAD.join(', ')}), ver, kind = ${KIND.head}) AS h,
    arraySort(x -> ${e('seq', 'x')}, groupArrayIf(tuple(${EVENT.join(', ')}), kind = ${KIND.event})) AS events,
    groupArrayIf(tuple(generation, row_id), kind = ${KIND.message}) AS stored_ids
  FROM ${t.sql} FINAL
  WHERE user_id = {u:String}${only} AND ${kinds} AND is_deleted = 0
  GROUP BY conversation_id
  HAVING countIf(kind = ${KIND.head}) > 0
))`;
}

/** One keyset page of the state, newest first; binds {u}, {limit} and, when used, {after}, {cu}, {cid}. */
export function listQuery(t: TableName, updatedAfter: boolean, cursor: boolean): string {
  const filters = ['1'];
  if (updatedAfter) filters.push('s_updated_at > {after:Float64}');
  if (cursor) filters.push('(s_updated_at < {cu:Int64} OR (s_updated_at = {cu:Int64} AND id < {cid:String}))');
  return `SELECT * FROM (${stateQuery(t, false)})
WHERE ${filters.join(' AND ')}
ORDER BY s_updated_at DESC, id DESC
LIMIT {limit:UInt32}`;
}

/** Live message rows of one conversation (every generation; callers keep the current one), in order. */
export function messagesQuery(t: TableName, withBody: boolean): string {
  return `SELECT generation, seq, row_id, ver, fp${withBody ? ', body' : ''}
FROM ${t.sql} FINAL
WHERE user_id = {u:String} AND conversation_id = {c:String} AND kind = ${KIND.message} AND is_deleted = 0
ORDER BY seq, row_id`;
}

/** Keys of every live row of a user (or of one conversation when {c} is bound), to tombstone them. */
export function keysQuery(t: TableName, oneConversation: boolean): string {
  return `SELECT conversation_id, kind, generation, seq, row_id
FROM ${t.sql} FINAL
WHERE user_id = {u:String}${oneConversation ? ' AND conversation_id = {c:String}' : ''} AND is_deleted = 0`;
}

/** Whether one event row is stored: how a conditional write learns that its deduplicated insert lost. */
export function eventExistsQuery(t: TableName): string {
  return `SELECT count() AS n
FROM ${t.sql} FINAL
WHERE user_id = {u:String} AND conversation_id = {c:String} AND kind = ${KIND.event} AND generation = {g:String} AND seq = {s:UInt64} AND row_id = {r:String} AND is_deleted = 0`;
}

/** How many generations of a conversation were deleted (tombstoned heads, read without FINAL): names the "absent" state a create competes for. */
export function deletedGenerationsQuery(t: TableName): string {
  return `SELECT uniqExact(generation) AS n
FROM ${t.sql}
WHERE user_id = {u:String} AND conversation_id = {c:String} AND kind = ${KIND.head} AND is_deleted = 1`;
}

/** A page of user ids with a live conversation head, ascending after {after}. */
export function usersQuery(t: TableName): string {
  return `SELECT DISTINCT user_id
FROM ${t.sql} FINAL
WHERE kind = ${KIND.head} AND user_id > {after:String} AND is_deleted = 0
ORDER BY user_id
LIMIT {limit:UInt32}`;
}
