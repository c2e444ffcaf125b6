import type { ConversationMeta, ConversationPatch, ParsedListOptions, Usage } from '@agent-conversations/core';
import { sql, type SqlValue, type Statement } from './runner.js';

/** Usage counters and the columns that hold them. */
export const USAGE_COLUMNS = {
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  reasoningTokens: 'reasoning_tokens',
  cachedTokens: 'cached_tokens',
  costUsd: 'cost_usd',
  durationMs: 'duration_ms',
} as const satisfies Record<keyof Usage, string>;

const USAGE_ENTRIES = Object.entries(USAGE_COLUMNS) as [keyof Usage, string][];

/** Columns that make up a ConversationMeta. */
export const META_COLUMNS = `user_id, id, title, message_count, model, provider, has_usage, ${Object.values(USAGE_COLUMNS).join(', ')}, metadata, created_at, updated_at, version`;

/** A message ready to store: id, fingerprint of its JSON, and the JSON text. */
export interface MessageRow {
  id: string;
  fingerprint: string;
  json: string;
}

/** Most messages per INSERT: two bound parameters each keeps a statement under the 100 that D1 and Durable Objects allow. */
const CHUNK_MESSAGES = 45;
/** Most message text per INSERT (a larger message still goes alone). */
const CHUNK_CHARS = 4_000_000;

function usageValues(usage: Usage | undefined): SqlValue[] {
  return [usage ? 1 : 0, ...USAGE_ENTRIES.map(([key]) => usage?.[key] ?? null)];
}

function metadataText(metadata: Record<string, unknown> | undefined): string | null {
  return metadata === undefined ? null : JSON.stringify(metadata);
}

/** The conversation row of (userId, id). */
export function selectMeta(userId: string, id: string): Statement {
  return sql(`SELECT ${META_COLUMNS} FROM agent_conversations WHERE user_id = ? AND id = ?`, userId, id);
}

/** What an upsert compares: the conversation row with its digest of the first prefix_count messages. */
export function selectUpsertState(userId: string, id: string): Statement {
  return sql(
    `SELECT ${META_COLUMNS}, prefix_count, prefix_digest FROM agent_conversations WHERE user_id = ? AND id = ?`,
    userId,
    id,
  );
}

/** Fingerprints of the messages after the digest's prefix (appended since the last upsert; usually none), in sequence order. */
export function selectTailFingerprints(userId: string, id: string): Statement {
  return sql(
    `SELECT fingerprint FROM agent_conversation_messages WHERE user_id = ? AND conversation_id = ?
       AND seq >= (SELECT prefix_count FROM agent_conversations WHERE user_id = ? AND id = ?) ORDER BY seq`,
    userId,
    id,
    userId,
    id,
  );
}

/** Fingerprints of the stored messages in sequence order (what upsert compares against). */
export function selectFingerprints(userId: string, id: string): Statement {
  return sql(
    'SELECT fingerprint FROM agent_conversation_messages WHERE user_id = ? AND conversation_id = ? ORDER BY seq',
    userId,
    id,
  );
}

/** The stored message JSON in sequence order. */
export function selectMessages(userId: string, id: string): Statement {
  return sql(
    'SELECT data FROM agent_conversation_messages WHERE user_id = ? AND conversation_id = ? ORDER BY seq',
    userId,
    id,
  );
}

/** The stored message ids (to name a duplicate after a failed append). */
export function selectMessageIds(userId: string, id: string): Statement {
  return sql(
    'SELECT message_id FROM agent_conversation_messages WHERE user_id = ? AND conversation_id = ?',
    userId,
    id,
  );
}

/** The conversation row's values after its key, in the column order `insertConversation` and `replaceConversation` name. */
function rowValues(meta: ConversationMeta, defaultTitle: string, digest: number, token: string): SqlValue[] {
  return [
    meta.title,
    defaultTitle,
    meta.messageCount,
    meta.model ?? null,
    meta.provider ?? null,
    ...usageValues(meta.usage),
    metadataText(meta.metadata),
    meta.createdAt,
    meta.updatedAt,
    meta.version,
    token,
    meta.messageCount,
    digest,
  ];
}

/** Creates the conversation row unless it exists; returns a row only when it was created. */
export function insertConversation(
  meta: ConversationMeta,
  defaultTitle: string,
  digest: number,
  token: string,
): Statement {
  return sql(
    `INSERT INTO agent_conversations (user_id, id, title, default_title, message_count, model, provider, has_usage, ${Object.values(USAGE_COLUMNS).join(', ')}, metadata, created_at, updated_at, version, write_token, prefix_count, prefix_digest)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (user_id, id) DO NOTHING RETURNING version`,
    meta.userId,
    meta.id,
    ...rowValues(meta, defaultTitle, digest, token),
  );
}

/** Overwrites the conversation row if it is still at `readVersion`; returns a row only when it was written. */
export function replaceConversation(
  meta: ConversationMeta,
  defaultTitle: string,
  digest: number,
  readVersion: number,
  token: string,
): Statement {
  const usageSet = ['has_usage', ...Object.values(USAGE_COLUMNS)].map((c) => `${c} = ?`).join(', ');
  return sql(
    `UPDATE agent_conversations SET title = ?, default_title = ?, message_count = ?, model = ?, provider = ?, ${usageSet},
       metadata = ?, created_at = ?, updated_at = ?, version = ?, write_token = ?, prefix_count = ?, prefix_digest = ?
     WHERE user_id = ? AND id = ? AND version = ? RETURNING version`,
    ...rowValues(meta, defaultTitle, digest, token),
    meta.userId,
    meta.id,
    readVersion,
  );
}

const TOKEN_MATCH =
  'EXISTS (SELECT 1 FROM agent_conversations c WHERE c.user_id = ? AND c.id = ? AND c.write_token = ?)';

/** Deletes messages from `seq` on, only when this write's token is on the conversation row. */
export function deleteMessagesFrom(userId: string, id: string, seq: number, token: string): Statement {
  return sql(
    `DELETE FROM agent_conversation_messages WHERE user_id = ? AND conversation_id = ? AND seq >= ? AND ${TOKEN_MATCH}`,
    userId,
    id,
    seq,
    userId,
    id,
    token,
  );
}

/** Splits messages into INSERT-sized groups, keeping each message's index. */
function chunks(messages: readonly MessageRow[]): { index: number; message: MessageRow }[][] {
  const out: { index: number; message: MessageRow }[][] = [];
  let current: { index: number; message: MessageRow }[] = [];
  let chars = 0;
  messages.forEach((message, index) => {
    if (current.length > 0 && (current.length >= CHUNK_MESSAGES || chars + message.json.length > CHUNK_CHARS)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push({ index, message });
    chars += message.json.length;
  });
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Inserts messages at `firstSeq + i`, only when this write's token is on the conversation row.
 * `firstSeq` is a number (upsert) or `null` for "after the count the same write just raised" (append).
 * Position and fingerprint are generated here (an integer, hex) and written into the SQL; id and JSON are bound.
 */
export function insertMessages(
  userId: string,
  id: string,
  messages: readonly MessageRow[],
  firstSeq: number | null,
  token: string,
): Statement[] {
  const base = firstSeq === null ? `c.message_count - ${messages.length}` : String(firstSeq);
  return chunks(messages).map((chunk) => {
    const values = chunk.map(({ index, message }) => {
      if (!/^[0-9a-f]+$/.test(message.fingerprint)) throw new TypeError('a fingerprint must be hex');
      return `(${index}, '${message.fingerprint}', ?, ?)`;
    });
    return sql(
      `INSERT INTO agent_conversation_messages (user_id, conversation_id, seq, message_id, fingerprint, data)
       SELECT c.user_id, c.id, ${base} + v.column1, v.column3, v.column2, v.column4
       FROM (VALUES ${values.join(', ')}) AS v JOIN agent_conversations c ON c.user_id = ? AND c.id = ? AND c.write_token = ?`,
      ...chunk.flatMap(({ message }) => [message.id, message.json]),
      userId,
      id,
      token,
    );
  });
}

/** What an append changes on the conversation row. */
export interface AppendChange {
  userId: string;
  id: string;
  count: number;
  /** The default title of the appended messages alone. */
  candidateTitle: string;
  placeholderTitle: string;
  delta: Usage | undefined;
  now: number;
  expectedVersion: number | undefined;
  token: string;
}

/** Builds `UPDATE agent_conversations SET ... WHERE user_id, id [, version] RETURNING meta` from SET clauses. */
function updateConversation(
  userId: string,
  id: string,
  expectedVersion: number | undefined,
  sets: [string, ...SqlValue[]][],
): Statement {
  const params: SqlValue[] = sets.flatMap(([, ...values]) => values);
  params.push(userId, id);
  if (expectedVersion !== undefined) params.push(expectedVersion);
  const where = `user_id = ? AND id = ?${expectedVersion === undefined ? '' : ' AND version = ?'}`;
  return {
    sql: `UPDATE agent_conversations SET ${sets.map(([clause]) => clause).join(', ')} WHERE ${where} RETURNING ${META_COLUMNS}`,
    params,
  };
}

/** Raises the count, adds the usage delta, derives the title and bumps the version in SQL; returns the new meta row, or none when missing or at another version. */
export function appendConversation(change: AppendChange): Statement {
  const { placeholderTitle: p, candidateTitle: candidate, delta } = change;
  const sets: [string, ...SqlValue[]][] = [
    ['message_count = message_count + ?', change.count],
    // SET expressions see the old row: a placeholder title becomes the first user text of the old messages, else of the new ones.
    [
      'title = CASE WHEN title = ? THEN (CASE WHEN default_title = ? THEN ? ELSE default_title END) ELSE title END',
      p,
      p,
      candidate,
    ],
    ['default_title = CASE WHEN default_title = ? THEN ? ELSE default_title END', p, candidate],
  ];
  if (delta !== undefined && Object.keys(delta).length > 0) {
    sets.push(['has_usage = 1']);
    for (const [key, column] of USAGE_ENTRIES) {
      const value = delta[key];
      if (value !== undefined) sets.push([`${column} = COALESCE(${column}, 0) + ?`, value]);
    }
  }
  sets.push(
    ['updated_at = MAX(updated_at, ?)', change.now],
    ['version = version + 1'],
    ['write_token = ?', change.token],
  );
  return updateConversation(change.userId, change.id, change.expectedVersion, sets);
}

/** Applies an update patch and bumps the version; returns the new meta row, or none when missing or at another version. */
export function patchConversation(
  userId: string,
  id: string,
  patch: ConversationPatch,
  now: number,
  expectedVersion: number | undefined,
): Statement {
  const sets: [string, ...SqlValue[]][] = [];
  if (patch.title !== undefined) sets.push(['title = ?', patch.title]);
  if (patch.model !== undefined) sets.push(['model = ?', patch.model]);
  if (patch.provider !== undefined) sets.push(['provider = ?', patch.provider]);
  if (patch.usage !== undefined) {
    const [flag, ...values] = usageValues(patch.usage);
    sets.push(
      ['has_usage = ?', flag!],
      ...USAGE_ENTRIES.map(([, column], i): [string, SqlValue] => [`${column} = ?`, values[i]!]),
    );
  }
  if (patch.metadata !== undefined) sets.push(['metadata = ?', metadataText(patch.metadata)]);
  sets.push(['updated_at = MAX(updated_at, ?)', now], ['version = version + 1']);
  return updateConversation(userId, id, expectedVersion, sets);
}

/** One keyset page (limit + 1 rows, to know whether another page follows). */
export function listConversations(userId: string, options: ParsedListOptions): Statement {
  const where = ['user_id = ?'];
  const params: SqlValue[] = [userId];
  if (options.updatedAfter !== null) {
    where.push('updated_at > ?');
    params.push(options.updatedAfter);
  }
  if (options.after !== null) {
    where.push('(updated_at < ? OR (updated_at = ? AND id < ?))');
    params.push(options.after.updatedAt, options.after.updatedAt, options.after.id);
  }
  params.push(options.limit + 1);
  return {
    sql: `SELECT ${META_COLUMNS} FROM agent_conversations WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id DESC LIMIT ?`,
    params,
  };
}

/** Deletes one conversation and its messages; the last statement returns a row when the conversation existed. */
export function deleteConversation(userId: string, id: string): Statement[] {
  return [
    sql('DELETE FROM agent_conversation_messages WHERE user_id = ? AND conversation_id = ?', userId, id),
    sql('DELETE FROM agent_conversations WHERE user_id = ? AND id = ? RETURNING id', userId, id),
  ];
}

/** Deletes every conversation of a user; the first statement returns how many there were. */
export function deleteUser(userId: string): Statement[] {
  return [
    sql('SELECT COUNT(*) AS n FROM agent_conversations WHERE user_id = ?', userId),
    sql('DELETE FROM agent_conversation_messages WHERE user_id = ?', userId),
    sql('DELETE FROM agent_conversations WHERE user_id = ?', userId),
  ];
}

/** An upsert whose stored list is the given one minus at most its last few messages, as one atomic batch with no read before it. */
export interface ExtendChange {
  userId: string;
  id: string;
  /** Index of the first message in `tail` (the stored count must be at least this). */
  from: number;
  /** The given list's digests of its first `from`, `from + 1`, ... messages, up to all of them. */
  digests: number[];
  /** The given messages from `from` on; only those after the stored count are inserted. */
  tail: readonly MessageRow[];
  title: string | undefined;
  placeholderTitle: string;
  /** The default title of all the given messages. */
  defaultTitle: string;
  model: string | undefined;
  provider: string | undefined;
  usage: Usage | undefined;
  metadata: Record<string, unknown> | undefined;
  updatedAt: number | undefined;
  expectedVersion: number | undefined;
}

/** The row condition of `extendConversation`: every stored message is an unchanged given one, covered by the stored digest. */
function extendCondition(change: ExtendChange, alias: string): [string, SqlValue[]] {
  const c = (column: string): string => `${alias}${column}`;
  const count = change.from + change.tail.length;
  const where = [
    `${c('user_id')} = ?`,
    `${c('id')} = ?`,
    `${c('message_count')} = ${c('prefix_count')}`,
    `${c('message_count')} BETWEEN ? AND ?`,
  ];
  const params: SqlValue[] = [change.userId, change.id, change.from, count];
  where.push(`${c('prefix_digest')} = json_extract(?, '$[' || CAST(${c('message_count')} - ? AS INTEGER) || ']')`);
  params.push(JSON.stringify(change.digests), change.from);
  if (change.expectedVersion !== undefined) {
    where.push(`${c('version')} = ?`);
    params.push(change.expectedVersion);
  }
  return [where.join(' AND '), params];
}

/**
 * The whole upsert as one batch when the stored list is the given one minus at most its tail (the AI SDK's save after the previous
 * save): the INSERTs add the tail's messages after the stored count, then the UPDATE writes the row; each runs only if the row's
 * count and digest say the stored messages are the given ones (same condition, same transaction). The UPDATE returns the new
 * meta row, or none when the condition did not hold (then nothing was written).
 */
export function extendConversation(change: ExtendChange, now: number): Statement[] {
  const [onRow, rowParams] = extendCondition(change, 'c.');
  const inserts = chunks(change.tail).map((chunk) => {
    const values = chunk.map(({ index, message }) => {
      if (!/^[0-9a-f]+$/.test(message.fingerprint)) throw new TypeError('a fingerprint must be hex');
      return `(${change.from + index}, '${message.fingerprint}', ?, ?)`;
    });
    return sql(
      `INSERT INTO agent_conversation_messages (user_id, conversation_id, seq, message_id, fingerprint, data)
       SELECT c.user_id, c.id, v.column1, v.column3, v.column2, v.column4
       FROM (VALUES ${values.join(', ')}) AS v JOIN agent_conversations c ON ${onRow} WHERE v.column1 >= c.message_count`,
      ...chunk.flatMap(({ message }) => [message.id, message.json]),
      ...rowParams,
    );
  });
  const [where, whereParams] = extendCondition(change, '');
  const count = change.from + change.tail.length;
  const given = change.usage !== undefined;
  const usageSet = ['has_usage', ...Object.values(USAGE_COLUMNS)]
    .map((c) => `${c} = CASE WHEN ? THEN ? ELSE ${c} END`)
    .join(', ');
  const update = sql(
    `UPDATE agent_conversations SET
       title = CASE WHEN ? IS NOT NULL THEN ? WHEN title <> ? THEN title ELSE ? END, default_title = ?, message_count = ?,
       model = COALESCE(?, model), provider = COALESCE(?, provider), ${usageSet}, metadata = COALESCE(?, metadata),
       updated_at = COALESCE(?, MAX(updated_at, ?)), version = version + 1, prefix_count = ?, prefix_digest = ?
     WHERE ${where} RETURNING ${META_COLUMNS}`,
    change.title ?? null,
    change.title ?? null,
    change.placeholderTitle,
    change.defaultTitle,
    change.defaultTitle,
    count,
    change.model ?? null,
    change.provider ?? null,
    ...usageValues(change.usage).flatMap((v) => [given ? 1 : 0, v]),
    metadataText(change.metadata),
    change.updatedAt ?? null,
    now,
    count,
    change.digests[change.digests.length - 1]!,
    ...whereParams,
  );
  return [...inserts, update];
}
