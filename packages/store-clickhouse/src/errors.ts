import { ConversationStoreError, isConversationStoreError, type ErrorCode } from '@agent-conversations/core';

/** The adapter name put on every error. */
export const ADAPTER = 'clickhouse';

const AUTH_CODES = new Set(['192', '193', '194', '516']); // UNKNOWN_USER, WRONG_PASSWORD, REQUIRED_PASSWORD, AUTHENTICATION_FAILED
const DENIED_CODES = new Set(['164', '497']); // READONLY, ACCESS_DENIED
const MISSING_CODES = new Set(['60', '81']); // UNKNOWN_TABLE, UNKNOWN_DATABASE
// TIMEOUT_EXCEEDED, SOCKET_TIMEOUT, NETWORK_ERROR, TOO_MANY_SIMULTANEOUS_QUERIES, MEMORY_LIMIT_EXCEEDED,
// TABLE_IS_READ_ONLY, TOO_MANY_PARTS, QUERY_WAS_CANCELLED, ABORTED, SYSTEM_ERROR, KEEPER_EXCEPTION, ALL_CONNECTION_TRIES_FAILED
// Cluster: TOO_FEW_LIVE_REPLICAS, UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE, REPLICA_IS_NOT_IN_QUORUM, UNKNOWN_STATUS_OF_INSERT, NO_ZOOKEEPER, ALL_REPLICAS_LOST
const RETRY_CODES = new Set([
  '159',
  '209',
  '210',
  '202',
  '241',
  '242',
  '252',
  '394',
  '236',
  '425',
  '999',
  '279',
  '285',
  '286',
  '289',
  '319',
  '225',
  '415',
]);
const NETWORK =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNABORTED|socket hang up|Timeout error|timed out/i;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  // Old servers answer "Code: 193, e.displayText() = ...", which the client does not parse.
  return /^Code: (\d+)[.,]/.exec(error instanceof Error ? error.message : '')?.[1];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Builds a ConversationStoreError for this adapter with the secrets scrubbed. */
export function storeError(
  code: ErrorCode,
  message: string,
  secrets: readonly (string | undefined)[],
  cause?: unknown,
): ConversationStoreError {
  return new ConversationStoreError(code, message, { adapter: ADAPTER, cause, secrets });
}

/** Maps a driver or server error to a ConversationStoreError (credentials redacted); passes ours through. */
export function mapError(
  error: unknown,
  what: string,
  table: string,
  secrets: readonly (string | undefined)[],
): ConversationStoreError {
  if (isConversationStoreError(error)) return error;
  const code = codeOf(error);
  const detail = messageOf(error).trim().split('\n')[0] ?? '';
  const nested = codeOf((error as { cause?: unknown } | null)?.cause);
  if (code && AUTH_CODES.has(code)) {
    return storeError(
      'UNAUTHORIZED',
      `ClickHouse rejected the credentials while ${what}: check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD (${detail})`,
      secrets,
      error,
    );
  }
  if (code && DENIED_CODES.has(code)) {
    return storeError(
      'UNAUTHORIZED',
      `The ClickHouse user may not do this while ${what}: it needs SELECT and INSERT on ${table} (${detail})`,
      secrets,
      error,
    );
  }
  if (code && MISSING_CODES.has(code)) {
    return storeError(
      'CONFIG',
      `ClickHouse table ${table} or its database is missing while ${what}: create it with migrate() or set CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE=true (${detail})`,
      secrets,
      error,
    );
  }
  if ((code && RETRY_CODES.has(code)) || NETWORK.test(`${code ?? ''} ${nested ?? ''} ${detail}`)) {
    return new ConversationStoreError('UNAVAILABLE', `ClickHouse is unavailable while ${what}: ${detail}`, {
      adapter: ADAPTER,
      cause: error,
      secrets,
      retryable: true,
    });
  }
  return storeError('STORAGE', `ClickHouse failed while ${what}: ${detail}`, secrets, error);
}
