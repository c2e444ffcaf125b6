import {
  assertConversationId,
  assertUserId,
  parseWindowOptions,
  windowRange,
  type Message,
  type MessageWindow,
  type WindowOptions,
} from '@agent-conversations/core';
import type { TableNames } from './config.js';
import type { Db } from './db.js';
import { META } from './queries.js';
import { metaOf } from './rows.js';
import { encodeText } from './text.js';

/**
 * The window statement: one row with the meta as JSON and the window's messages as one JSON array, or no row when the
 * conversation is missing. $1 user, $2 id, $3 limit, $4 the position the window ends before (null: the newest message).
 * One statement, one snapshot: the range is computed from the message_count it reads, and the messages with seq in
 * (end - limit, end] are one range scan of the messages' primary key (user_id, conversation_id, seq), so the cost is the
 * window's, not the conversation's. seq is 1-based and contiguous; a position p (0-based) is seq p + 1.
 */
export function windowSql(t: TableNames): string {
  const end = 'least(coalesce($4::int, c.message_count), c.message_count)';
  return `SELECT row_to_json(c)::text AS meta,
  (SELECT '[' || string_agg(m.json, ',') || ']' FROM (SELECT json FROM ${t.messages}
      WHERE user_id = $1 AND conversation_id = $2 AND seq > greatest(${end} - $3::int, 0) AND seq <= ${end} ORDER BY seq LIMIT $3::int) m) AS part
FROM (SELECT ${META} FROM ${t.conversations} WHERE user_id = $1 AND id = $2) c`;
}

/** The positions are integers, so a cursor past the largest one Postgres counts means "from the newest". */
const INT_MAX = 2_147_483_647;

/** Validates the call (ids, then options) and returns the statement's parameters; throws VALIDATION before any I/O. */
export function windowParams(
  userId: string,
  id: string,
  options: WindowOptions | undefined,
): { params: unknown[]; parsed: ReturnType<typeof parseWindowOptions> } {
  assertUserId(userId);
  assertConversationId(id);
  const parsed = parseWindowOptions(options);
  return {
    parsed,
    params: [encodeText(userId), id, parsed.limit, parsed.before === null ? null : Math.min(parsed.before, INT_MAX)],
  };
}

/** Runs the window statement and builds the window; null when the conversation is missing (or another user's). */
export async function readWindow(
  db: Db,
  sql: string,
  { params, parsed }: ReturnType<typeof windowParams>,
): Promise<MessageWindow | null> {
  const row = (await db.query<{ meta: string; part: string | null }>(sql, params)).rows[0];
  const meta = metaOf(row);
  if (!row || !meta) return null;
  const messages = row.part === null ? [] : (JSON.parse(row.part) as Message[]);
  return { meta, messages, nextCursor: windowRange(meta.messageCount, parsed).nextCursor };
}
