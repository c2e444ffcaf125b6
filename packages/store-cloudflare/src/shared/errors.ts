import { ConversationStoreError, isConversationStoreError, type ErrorCode } from '@agent-conversations/core';

const RULES: [RegExp, ErrorCode, string][] = [
  [/UNIQUE constraint failed/i, 'CONFLICT', 'a row with the same key already exists'],
  [
    /no such table|no such column/i,
    'CONFIG',
    'the conversation tables are missing or outdated: run `agent-conversations-cloudflare migrate --remote` (or migrateD1(env.CONVERSATIONS_D1))',
  ],
  [
    /too big|TOOBIG|too large|exceeds? .*(size|limit)/i,
    'VALIDATION',
    'the value is too large for one SQLite row (about 2 MB); nothing was written',
  ],
  [/not authori[sz]ed|SQLITE_AUTH|permission/i, 'UNAUTHORIZED', 'the database refused the statement'],
  [
    /network connection lost|connection (reset|refused|closed)|timed? ?out|overloaded|temporar|internal error|reset because|try again|unavailable|D1_RESET/i,
    'UNAVAILABLE',
    'the database is temporarily unreachable; retry',
  ],
];

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Maps a D1 or Durable Object SQL error to a ConversationStoreError (UNIQUE -> CONFLICT, missing table -> CONFIG, row too big -> VALIDATION, transient -> UNAVAILABLE, else STORAGE). */
export function mapSqlError(error: unknown, adapter: string): ConversationStoreError {
  if (isConversationStoreError(error)) return error;
  const message = messageOf(error);
  const retryableFlag =
    typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
  for (const [pattern, code, hint] of RULES) {
    if (pattern.test(message))
      return new ConversationStoreError(code, `${adapter}: ${hint} (${message})`, { adapter, cause: error });
  }
  if (retryableFlag)
    return new ConversationStoreError(
      'UNAVAILABLE',
      `${adapter}: the storage call failed and may be retried (${message})`,
      { adapter, cause: error },
    );
  return new ConversationStoreError('STORAGE', `${adapter}: the storage call failed (${message})`, {
    adapter,
    cause: error,
  });
}
