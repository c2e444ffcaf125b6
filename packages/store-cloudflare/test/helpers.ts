import type { Message } from '@agent-conversations/core';
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { AgentConversationsDurableObject } from '../src/durable-object.js';

/** Stored messages of (userId, id) read straight from D1's table, in sequence order. */
export async function d1Messages(db: D1Database, userId: string, id: string): Promise<Message[]> {
  const { results } = await db
    .prepare('SELECT data FROM agent_conversation_messages WHERE user_id = ? AND conversation_id = ? ORDER BY seq')
    .bind(userId, id)
    .all<{ data: string }>();
  return results.map((r) => JSON.parse(r.data) as Message);
}

/** Whether D1's conversations table has the row (userId, id). */
export async function d1Exists(db: D1Database, userId: string, id: string): Promise<boolean> {
  const row = await db
    .prepare('SELECT 1 AS found FROM agent_conversations WHERE user_id = ? AND id = ?')
    .bind(userId, id)
    .first();
  return row !== null;
}

/** The Durable Object stub of a user, addressed as the adapter does. */
export function userObject(userId: string): DurableObjectStub<AgentConversationsDurableObject> {
  const namespace = env.AGENT_CONVERSATIONS_DO;
  return namespace.get(namespace.idFromName(userId));
}

/** Runs SQL inside a user's Durable Object (its own SQLite), returning rows; [] when the object has no tables yet. */
export async function doQuery<T extends Record<string, SqlStorageValue>>(
  userId: string,
  query: string,
  ...params: SqlStorageValue[]
): Promise<T[]> {
  return runInDurableObject(userObject(userId), (_instance, state) => {
    const tables = state.storage.sql
      .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'agent_conversation_messages'")
      .toArray();
    return tables.length === 0 ? [] : state.storage.sql.exec<T>(query, ...params).toArray();
  });
}

/** Stored messages of (userId, id) read straight from the user's Durable Object, in sequence order. */
export async function doMessages(userId: string, id: string): Promise<Message[]> {
  const rows = await doQuery<{ data: string }>(
    userId,
    'SELECT data FROM agent_conversation_messages WHERE user_id = ? AND conversation_id = ? ORDER BY seq',
    userId,
    id,
  );
  return rows.map((r) => JSON.parse(r.data) as Message);
}

/** Whether the user's Durable Object holds the conversation row. */
export async function doExists(userId: string, id: string): Promise<boolean> {
  return (
    (await doQuery(userId, 'SELECT 1 AS found FROM agent_conversations WHERE user_id = ? AND id = ?', userId, id))
      .length > 0
  );
}
