import type { TableNames } from './config.js';

/** The columns every meta-returning statement selects. */
export const META =
  'id, user_id, title, message_count, model, provider, usage_set, input_tokens, output_tokens, reasoning_tokens, cached_tokens, cost_usd, duration_ms, metadata, created_at, updated_at, version';
const USAGE_COLUMNS = [
  'input_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cached_tokens',
  'cost_usd',
  'duration_ms',
] as const;

/** Messages per row of `get`. */
const GET_CHUNK = 128;

/** A write's new meta as one JSON text column: one field to describe and decode instead of seventeen. */
const RESULT = (cte: string): string => `SELECT row_to_json(${cte})::text AS meta FROM ${cte}`;

/** Usage columns as `col = expr($n)` starting at parameter `first`. */
const usageSet = (first: number, expr: (col: string, p: string) => string): string =>
  USAGE_COLUMNS.map((col, i) => `${col} = ${expr(col, `$${first + i}::float8`)}`).join(',\n      ');

/** Messages from parallel arrays ($a ids, $a+1 JSON, $a+2 hashes), numbered from `seqStart` (a SQL expression). */
const insertMessages = (t: TableNames, from: string, seqStart: string, a: number): string =>
  `INSERT INTO ${t.messages} (user_id, conversation_id, seq, message_id, json, hash)
    SELECT c.user_id, c.id, ${seqStart} + m.ord - 1, m.message_id, m.json, m.hash
    FROM ${from} c, unnest($${a}::text[], $${a + 1}::text[], $${a + 2}::text[]) WITH ORDINALITY AS m(message_id, json, hash, ord)`;

/** The append statement: arrays of messages or exactly one (`single`), with or without a usage delta (fewer columns to compute
 * on the common turn that has none). $1 user, $2 id, $3 now, $4 expected version or null, $5 default title, $6 first user
 * text of the new messages or null, $7-$9 message ids, JSON and hashes (text[], or text when single), $10-$15 usage delta. */
function appendSql(t: TableNames, single: boolean, usage: boolean): string {
  const count = single ? '1' : 'cardinality($7::text[])';
  const messages = single
    ? `INSERT INTO ${t.messages} (user_id, conversation_id, seq, message_id, json, hash)
    SELECT c.user_id, c.id, c.base + 1, $7::text, $8::text, $9::text FROM target c`
    : insertMessages(t, 'target', 'c.base + 1', 7);
  const usageColumns = usage
    ? `,\n      usage_set = true,\n      ${usageSet(10, (col, p) => `CASE WHEN ${p} IS NULL THEN ${col} ELSE coalesce(${col}, 0) + ${p} END`)}`
    : '';
  return `WITH target AS (
    UPDATE ${t.conversations} SET
      message_count = message_count + ${count},
      version = version + 1,
      updated_at = greatest(updated_at, $3::bigint),
      auto_title = coalesce(auto_title, $6),
      title = CASE WHEN title = $5 THEN coalesce(auto_title, $6, title) ELSE title END${usageColumns}
    WHERE user_id = $1 AND id = $2 AND ($4::int IS NULL OR version = $4::int)
    RETURNING ${META}, message_count - ${count} AS base
  ), m AS (
    ${messages}
  )
  ${RESULT('target')}`;
}

/** Every SQL statement of the store, built once per table names. Every statement filters by user_id ($1). */
export function buildQueries(t: TableNames) {
  const list = (after: boolean, updatedAfter: boolean): string => {
    const where = ['user_id = $1'];
    let n = 2;
    if (after) where.push(`(updated_at, id) < ($${n++}::bigint, $${n++}::text)`);
    if (updatedAfter) where.push(`updated_at > $${n++}::bigint`);
    return `SELECT ${META} FROM ${t.conversations} WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id DESC LIMIT $${n}`;
  };
  return {
    list: [list(false, false), list(true, false), list(false, true), list(true, true)] as const,

    /** Rows of (k, part): k -1 is the meta as JSON, k >= 0 a JSON array of messages with seq in (k*GET_CHUNK, (k+1)*GET_CHUNK].
     * One statement (one snapshot); each chunk is a primary-key range scan sent as soon as it is built, so the client parses one
     * chunk while the server builds the next. The LIMITs (which change no result: seq is unique) keep the planner's estimates the
     * same for every conversation. string_agg takes the rows in the order the subquery sorted them (PostgreSQL's documented way
     * for an aggregate over one subquery with no join): an ORDER BY inside the aggregate would sort each chunk again.
     * No meta row: the conversation does not exist. */
    get: `SELECT -1 AS k, row_to_json(c)::text AS part FROM (SELECT ${META} FROM ${t.conversations} WHERE user_id = $1 AND id = $2) c
  UNION ALL
  SELECT k, (SELECT '[' || string_agg(m.json, ',') || ']' FROM (SELECT json FROM ${t.messages}
      WHERE user_id = $1 AND conversation_id = $2 AND seq > k * ${GET_CHUNK} AND seq <= (k + 1) * ${GET_CHUNK} ORDER BY seq LIMIT ${GET_CHUNK}) m)
    FROM generate_series(0, (SELECT (seq - 1) / ${GET_CHUNK} FROM ${t.messages} WHERE user_id = $1 AND conversation_id = $2 ORDER BY seq DESC LIMIT 1)) AS k`,

    /** Locks the conversation row for an upsert. */
    lock: `SELECT ${META}, auto_title FROM ${t.conversations} WHERE user_id = $1 AND id = $2 FOR NO KEY UPDATE`,
    hashes: `SELECT hash FROM ${t.messages} WHERE user_id = $1 AND conversation_id = $2 ORDER BY seq`,
    /** What an upsert compares, without a lock: the version, the digest of the first prefix_count messages, and the hashes of the
     * messages after them (appended since; usually none). */
    state: `SELECT c.version, c.message_count, c.prefix_count, c.prefix_digest, c.title, c.updated_at,
    (SELECT array_agg(m.hash ORDER BY m.seq) FROM ${t.messages} m WHERE m.user_id = $1 AND m.conversation_id = $2 AND m.seq > c.prefix_count) AS tail
  FROM ${t.conversations} c WHERE c.user_id = $1 AND c.id = $2`,
    /** Drops the messages after the first $3 (the unchanged prefix). */
    deleteFrom: `DELETE FROM ${t.messages} WHERE user_id = $1 AND conversation_id = $2 AND seq > $3`,

    /** $1 user, $2 id, $3 title, $4 auto_title, $5 model, $6 provider, $7 usage_set, $8-$13 usage, $14 metadata, $15 created, $16 updated, $17-$19 messages (ids, JSON, hashes), $20 digest. */
    create: `WITH c AS (
    INSERT INTO ${t.conversations} (user_id, id, title, auto_title, message_count, model, provider, usage_set, ${USAGE_COLUMNS.join(', ')}, metadata, created_at, updated_at, version, prefix_count, prefix_digest)
    VALUES ($1, $2, $3, $4, cardinality($17::text[]), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, cardinality($17::text[]), $20)
    ON CONFLICT (user_id, id) DO NOTHING
    RETURNING ${META}
  ), m AS (
    ${insertMessages(t, 'c', '1', 17)}
  )
  ${RESULT('c')}`,

    /** Keeps the first $19 messages and writes the rest. $1 user, $2 id, $3 title, $4 auto_title, $5 model, $6 provider (null = keep),
     * $7 usage given, $8-$13 usage, $14 metadata (null = keep), $15 updated, $16-$18 messages, $19 kept count, $20 digest of all,
     * $21 the version read without a lock (no row when it changed since; null under the row lock, after deleteFrom). */
    replace: `WITH c AS (
    UPDATE ${t.conversations} SET
      title = $3, auto_title = $4, model = coalesce($5, model), provider = coalesce($6, provider),
      usage_set = usage_set OR $7,
      ${usageSet(8, (col, p) => `CASE WHEN $7 THEN ${p} ELSE ${col} END`)},
      metadata = coalesce($14, metadata), updated_at = $15,
      message_count = $19 + cardinality($16::text[]), version = version + 1,
      prefix_count = $19 + cardinality($16::text[]), prefix_digest = $20
    WHERE user_id = $1 AND id = $2 AND ($21::int IS NULL OR (version = $21::int AND message_count = $19))
    RETURNING ${META}
  ), m AS (
    ${insertMessages(t, 'c', '$19::int + 1', 16)}
  )
  ${RESULT('c')}`,

    /** The whole upsert in one statement when the stored messages start the given list and none was appended since the last
     * upsert: the row matches only if its count is in [$22, $19] and its stored digest is the given list's digest at that count
     * ($23 holds the digests of the first $22..$19 messages); then the messages after the stored count (of the ones from $22 on,
     * $24-$26) are inserted. No row: anything else (the caller takes the general path). $1 user, $2 id, $3 given title or null,
     * $4 the placeholder title, $5 the title from the messages, $6 auto_title, $7 model, $8 provider, $9 usage given, $10-$15 usage,
     * $16 metadata, $17 given updatedAt or null, $18 now, $19 message count, $20 digest of all, $21 expected version or null. */
    extend: `WITH s AS (
    SELECT version AS v, message_count AS base FROM ${t.conversations}
    WHERE user_id = $1 AND id = $2 AND ($21::int IS NULL OR version = $21::int)
      AND message_count = prefix_count AND message_count BETWEEN $22::int AND $19::int
      AND prefix_digest = ($23::int8[])[message_count - $22::int + 1]
  ), c AS (
    UPDATE ${t.conversations} SET
      title = CASE WHEN $3::text IS NOT NULL THEN $3::text WHEN title <> $4::text THEN title ELSE $5::text END,
      auto_title = $6, model = coalesce($7, model), provider = coalesce($8, provider),
      usage_set = usage_set OR $9,
      ${usageSet(10, (col, p) => `CASE WHEN $9 THEN ${p} ELSE ${col} END`)},
      metadata = coalesce($16, metadata), updated_at = coalesce($17::bigint, greatest(updated_at, $18::bigint)),
      message_count = $19::int, version = version + 1, prefix_count = $19::int, prefix_digest = $20
    FROM s WHERE user_id = $1 AND id = $2 AND version = s.v
    RETURNING ${META}
  ), m AS (
    INSERT INTO ${t.messages} (user_id, conversation_id, seq, message_id, json, hash)
    SELECT c.user_id, c.id, $22::int + m.ord, m.message_id, m.json, m.hash
    FROM c, s, unnest($24::text[], $25::text[], $26::text[]) WITH ORDINALITY AS m(message_id, json, hash, ord)
    WHERE $22::int + m.ord > s.base
  )
  ${RESULT('c')}`,

    /** One statement: lock and bump the conversation (version-checked), number the messages after message_count, add the usage
     * delta. Index (one message ? 1 : 0) + (usage delta ? 2 : 0), as store.ts picks it (parameters in appendSql). */
    append: [
      appendSql(t, false, false),
      appendSql(t, true, false),
      appendSql(t, false, true),
      appendSql(t, true, true),
    ] as const,
    /** Why a version-checked write matched no row: the current version, or no row when missing. */
    version: `SELECT version FROM ${t.conversations} WHERE user_id = $1 AND id = $2`,
    duplicateIds: `SELECT message_id FROM ${t.messages} WHERE user_id = $1 AND conversation_id = $2 AND message_id = ANY($3::text[]) LIMIT 1`,

    /** $1 user, $2 id, $3 now, $4 expected, $5 title, $6 model, $7 provider, $8 metadata, $9 usage given, $10-$15 usage. */
    update: `WITH target AS (
    UPDATE ${t.conversations} SET
      title = coalesce($5, title), model = coalesce($6, model), provider = coalesce($7, provider),
      metadata = coalesce($8, metadata), usage_set = usage_set OR $9,
      ${usageSet(10, (col, p) => `CASE WHEN $9 THEN ${p} ELSE ${col} END`)},
      updated_at = greatest(updated_at, $3::bigint), version = version + 1
    WHERE user_id = $1 AND id = $2 AND ($4::int IS NULL OR version = $4::int)
    RETURNING ${META}
  )
  ${RESULT('target')}`,

    /** Distinct user ids in order, one index probe per user (a loose index scan); $1 limit, $2 after this id. */
    listUsers: [false, true].map(
      (after) => `WITH RECURSIVE u AS (
    (SELECT user_id FROM ${t.conversations} ${after ? 'WHERE user_id > $2' : ''} ORDER BY user_id LIMIT 1)
    UNION ALL
    SELECT (SELECT c.user_id FROM ${t.conversations} c WHERE c.user_id > u.user_id ORDER BY c.user_id LIMIT 1) FROM u WHERE u.user_id IS NOT NULL
  )
  SELECT user_id FROM u WHERE user_id IS NOT NULL LIMIT $1`,
    ),

    delete: `DELETE FROM ${t.conversations} WHERE user_id = $1 AND id = $2`,
    deleteAll: `DELETE FROM ${t.conversations} WHERE user_id = $1`,
  };
}

/** The statements of one store. */
export type Queries = ReturnType<typeof buildQueries>;
