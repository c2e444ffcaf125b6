import type { Message } from '@agent-conversations/core';
import { createClickHouseStore, type ClickHouseStoreOptions } from '../../src/index.js';
import type { Backend } from './backend.js';

let counter = 0;

/** A unique table in the backend's database. */
export function freshTable(backend: Backend): string {
  counter += 1;
  return `${backend.database}.t${counter}_${process.pid}`;
}

/** A store on a fresh auto-created table. */
export function freshStore(backend: Backend, options: ClickHouseStoreOptions = {}) {
  const table = options.table ?? freshTable(backend);
  return { table, store: createClickHouseStore({ client: backend.client }, { autoCreate: true, ...options, table }) };
}

/** `count` user/assistant messages with ids `${prefix}${i}`. */
export function messages(count: number, prefix = 'm'): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    role: i % 2 ? 'assistant' : 'user',
    parts: [{ type: 'text', text: `${prefix} text ${i}` }],
  }));
}

/** Physical rows of a conversation (every version, no FINAL). */
export async function physicalRows(backend: Backend, table: string, userId: string, id: string): Promise<number> {
  const [row] = await backend.rows<{ n: number | string }>(
    `SELECT count() AS n FROM ${table} WHERE user_id = {u:String} AND conversation_id = {c:String}`,
    { u: userId, c: id },
  );
  return Number(row?.n ?? 0);
}
