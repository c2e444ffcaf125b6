import type { Message } from '@agent-conversations/core';
import type { Backend } from './backend.js';

/** Reads the table directly (not through the store): live messages in order, and whether a live head exists. */
export function inspector(backend: Backend, table: string) {
  return {
    async messages(userId: string, id: string): Promise<Message[]> {
      const rows = await backend.rows<{ body: string }>(
        `SELECT body FROM ${table} FINAL WHERE user_id = {u:String} AND kind = 1 AND conversation_id = {c:String} AND is_deleted = 0 ORDER BY seq`,
        { u: userId, c: id },
      );
      return rows.map((r) => JSON.parse(r.body) as Message);
    },
    async exists(userId: string, id: string): Promise<boolean> {
      const rows = await backend.rows<{ n: number | string }>(
        `SELECT count() AS n FROM ${table} FINAL WHERE user_id = {u:String} AND kind = 0 AND conversation_id = {c:String} AND is_deleted = 0`,
        { u: userId, c: id },
      );
      return Number(rows[0]?.n ?? 0) > 0;
    },
  };
}
