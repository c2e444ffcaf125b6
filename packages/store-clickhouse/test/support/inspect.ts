import type { Message } from '@agent-conversations/core';
import type { Backend } from './backend.js';

const LIVE_GENERATION = (table: string) =>
  `(SELECT generation FROM ${table} FINAL WHERE user_id = {u:String} AND conversation_id = {c:String} AND kind = 0 AND is_deleted = 0 ORDER BY ver DESC LIMIT 1)`;

/** Reads the table directly (not through the store): live messages of the live generation, and whether a live head exists. */
export function inspector(backend: Backend, table: string) {
  return {
    async messages(userId: string, id: string): Promise<Message[]> {
      const rows = await backend.rows<{ body: string }>(
        `SELECT body FROM ${table} FINAL
         WHERE user_id = {u:String} AND conversation_id = {c:String} AND kind = 1 AND is_deleted = 0 AND generation = ${LIVE_GENERATION(table)}
         ORDER BY seq, row_id`,
        { u: userId, c: id },
      );
      return rows.map((r) => JSON.parse(r.body) as Message);
    },
    async exists(userId: string, id: string): Promise<boolean> {
      const rows = await backend.rows<{ n: number | string }>(
        `SELECT count() AS n FROM ${table} FINAL WHERE user_id = {u:String} AND conversation_id = {c:String} AND kind = 0 AND is_deleted = 0`,
        { u: userId, c: id },
      );
      return Number(rows[0]?.n ?? 0) > 0;
    },
  };
}
