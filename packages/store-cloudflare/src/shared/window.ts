import {
  assertConversationId,
  assertUtf8UserId,
  parseWindowOptions,
  windowRange,
  type MessageWindow,
  type ParsedWindowOptions,
  type WindowOptions,
} from '@agent-conversations/core';
import { column, rowToMeta } from './rows.js';
import { sql, type SqlRunner, type Statement } from './runner.js';
import { selectMeta } from './statements.js';

/** Validates a window call (user id, conversation id, then options) before any I/O; throws VALIDATION. */
export function parseWindowCall(
  userId: string,
  id: string,
  options: WindowOptions | undefined,
  where: string,
): ParsedWindowOptions {
  assertUtf8UserId(userId, where);
  assertConversationId(id);
  return parseWindowOptions(options);
}

/**
 * The window's messages: seq (0-based, contiguous) in [end - limit, end), end being `before` or the conversation's message
 * count, whichever is smaller, read from the conversation row in the same statement. The conversation row is found by its
 * primary key and the messages by a range of theirs (user_id, conversation_id, seq): the rows read are the window's.
 */
export function selectWindow(userId: string, id: string, { limit, before }: ParsedWindowOptions): Statement {
  const end = 'min(coalesce(?, c.message_count), c.message_count)';
  return sql(
    `SELECT m.data FROM agent_conversations c JOIN agent_conversation_messages m
       ON m.user_id = c.user_id AND m.conversation_id = c.id AND m.seq >= max(${end} - ?, 0) AND m.seq < ${end}
     WHERE c.user_id = ? AND c.id = ? ORDER BY m.seq`,
    before,
    limit,
    before,
    userId,
    id,
  );
}

/** The window as JSON text, its messages exactly as stored (for the Durable Object's RPC); null when the conversation is missing. */
export async function windowText(
  runner: SqlRunner,
  userId: string,
  id: string,
  parsed: ParsedWindowOptions,
): Promise<string | null> {
  // One read: the meta and the messages come from the same snapshot (a D1 batch is one transaction; a Durable Object runs one call at a time).
  const [metaRows = [], messageRows = []] = await runner.read([
    selectMeta(userId, id),
    selectWindow(userId, id, parsed),
  ]);
  if (!metaRows[0]) return null;
  const meta = rowToMeta(metaRows[0]);
  const { nextCursor } = windowRange(meta.messageCount, parsed);
  return `{"meta":${JSON.stringify(meta)},"messages":[${column(messageRows, 'data').join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
}

/** `window` of a store over `runner`: validated, then one read. */
export async function readWindow(
  runner: SqlRunner,
  userId: string,
  id: string,
  options: WindowOptions | undefined,
  where: string,
): Promise<MessageWindow | null> {
  const text = await windowText(runner, userId, id, parseWindowCall(userId, id, options, where));
  return text === null ? null : (JSON.parse(text) as MessageWindow);
}
