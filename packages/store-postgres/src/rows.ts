import type { ConversationMeta, Usage } from '@agent-conversations/core';
import { decodeText } from './text.js';

/** A conversation row as `pg` returns it (bigint columns may arrive as strings). */
export interface ConversationRow {
  id: string;
  user_id: string;
  title: string;
  message_count: number;
  model: string | null;
  provider: string | null;
  usage_set: boolean;
  input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  cached_tokens: number | null;
  cost_usd: number | null;
  duration_ms: number | null;
  metadata: string | null;
  created_at: string | number;
  updated_at: string | number;
  version: number;
}

const USAGE: readonly [keyof Usage, keyof ConversationRow][] = [
  ['inputTokens', 'input_tokens'],
  ['outputTokens', 'output_tokens'],
  ['reasoningTokens', 'reasoning_tokens'],
  ['cachedTokens', 'cached_tokens'],
  ['costUsd', 'cost_usd'],
  ['durationMs', 'duration_ms'],
];

function usageOf(row: ConversationRow): Usage {
  const usage: Usage = {};
  for (const [key, column] of USAGE) {
    const value = row[column];
    if (value !== null && value !== undefined) usage[key] = Number(value);
  }
  return usage;
}

/** The six usage parameters in column order (null for absent counters). */
export function usageParams(usage: Usage | undefined): (number | null)[] {
  return USAGE.map(([key]) => usage?.[key] ?? null);
}

/** Maps a conversation row to the meta every store returns; absent optional fields are left out (as core's cleanMeta does),
 * by adding only the present ones rather than deleting from a copy, which leaves V8 a slow dictionary-mode object. */
export function toMeta(row: ConversationRow): ConversationMeta {
  const meta: ConversationMeta = {
    id: row.id,
    userId: decodeText(row.user_id),
    title: decodeText(row.title),
    messageCount: Number(row.message_count),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: Number(row.version),
  };
  if (row.model !== null) meta.model = decodeText(row.model);
  if (row.provider !== null) meta.provider = decodeText(row.provider);
  if (row.usage_set) meta.usage = usageOf(row);
  if (row.metadata !== null) meta.metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  return meta;
}

/** The meta of a write statement's JSON result row (see RESULT in queries.ts), or undefined when it matched no row. */
export function metaOf(row: { meta: string } | undefined): ConversationMeta | undefined {
  return row === undefined ? undefined : toMeta(JSON.parse(row.meta) as ConversationRow);
}
