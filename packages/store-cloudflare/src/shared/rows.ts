import { cleanMeta, ConversationStoreError, type ConversationMeta, type Usage } from '@agent-conversations/core';
import type { Row } from './runner.js';
import { USAGE_COLUMNS } from './statements.js';

function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string')
    throw new ConversationStoreError(
      'STORAGE',
      `column ${column} holds ${typeof value}, expected text; the schema is not the one this package created`,
    );
  return value;
}

function num(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number')
    throw new ConversationStoreError(
      'STORAGE',
      `column ${column} holds ${typeof value}, expected a number; the schema is not the one this package created`,
    );
  return value;
}

function optionalText(row: Row, column: string): string | undefined {
  return row[column] === null || row[column] === undefined ? undefined : text(row, column);
}

function usageOf(row: Row): Usage | undefined {
  if (!row.has_usage) return undefined;
  const usage: Usage = {};
  for (const [key, column] of Object.entries(USAGE_COLUMNS) as [keyof Usage, string][]) {
    if (row[column] !== null && row[column] !== undefined) usage[key] = num(row, column);
  }
  return usage;
}

/** A ConversationMeta from a row selected with META_COLUMNS. */
export function rowToMeta(row: Row): ConversationMeta {
  const metadata = optionalText(row, 'metadata');
  return cleanMeta({
    id: text(row, 'id'),
    userId: text(row, 'user_id'),
    title: text(row, 'title'),
    messageCount: num(row, 'message_count'),
    model: optionalText(row, 'model'),
    provider: optionalText(row, 'provider'),
    usage: usageOf(row),
    metadata: metadata === undefined ? undefined : (JSON.parse(metadata) as Record<string, unknown>),
    createdAt: num(row, 'created_at'),
    updatedAt: num(row, 'updated_at'),
    version: num(row, 'version'),
  });
}

/** The text values of one column over rows. */
export function column(rows: readonly Row[], name: string): string[] {
  return rows.map((row) => text(row, name));
}
