import { ConversationStoreError, isConversationStoreError, type ErrorCode } from '@agent-conversations/core';

/** What error messages may say about the server: host and port only, plus secrets to scrub. */
export interface ErrorContext {
  target: string;
  secrets: readonly string[];
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EADDRNOTAVAIL',
]);
const NETWORK_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Query read timeout|socket hang up|Connection ended/i;
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when the connection that raised this error cannot be reused (socket gone, read timeout, server shutdown). */
export function isConnectionLost(error: unknown): boolean {
  const code = codeOf(error);
  return (
    NETWORK_CODES.has(code) ||
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    NETWORK_MESSAGES.test(messageOf(error))
  );
}

/** pg-cloudflare's report of a socket this side closed (the pool ending an idle or released connection, in workerd): not a failure. */
export const isLocalClose = (error: unknown): boolean =>
  error instanceof Error && error.message === 'Stream was cancelled.';

function classify(error: unknown, ctx: ErrorContext): { code: ErrorCode; retryable: boolean; message: string } {
  const code = codeOf(error);
  const detail = messageOf(error);
  const where = `PostgreSQL at ${ctx.target}`;
  if (code === '08P01' || code === '26000' || /unsupported startup parameter/i.test(detail)) {
    return {
      code: 'CONFIG',
      retryable: false,
      message: `${where} rejected the protocol (${detail}); behind a transaction-mode pooler (PgBouncer, Supavisor) add pgbouncer=true to the URL or set the pgbouncer option`,
    };
  }
  if (isConnectionLost(error) || code === '53300' || code === '57P05') {
    return {
      code: 'UNAVAILABLE',
      retryable: true,
      message: `${where} is unreachable or restarting (${code || detail}); retry later, and check the host and port in the connection string if it persists`,
    };
  }
  if (code === '57014')
    return {
      code: 'UNAVAILABLE',
      retryable: true,
      message: `a statement on ${where} timed out or was cancelled (${detail}); retry later or raise statementTimeoutMs`,
    };
  if (code === '40001' || code === '40P01' || code === '55P03')
    return {
      code: 'UNAVAILABLE',
      retryable: true,
      message: `${where} aborted the write because of a concurrent transaction (${detail}); retry it`,
    };
  if (code === '53100' || code === '53200' || code === '53400')
    return { code: 'UNAVAILABLE', retryable: true, message: `${where} is out of resources (${detail}); retry later` };
  if (code === '28P01' || code === '28000')
    return {
      code: 'UNAUTHORIZED',
      retryable: false,
      message: `${where} rejected the login (${detail}); check the user and password in the connection string (DATABASE_URL)`,
    };
  if (code === '42501' && /for database/.test(detail)) {
    return {
      code: 'UNAUTHORIZED',
      retryable: false,
      message: `the database user may not create the store's schema on ${where} (${detail}); grant CREATE on the database, have an admin create the schema (CREATE SCHEMA agent_conversations AUTHORIZATION <user>), or pick an existing schema with the schema option`,
    };
  }
  if (code === '42501')
    return {
      code: 'UNAUTHORIZED',
      retryable: false,
      message: `the database user lacks a privilege on ${where} (${detail}); grant CREATE, SELECT, INSERT, UPDATE and DELETE on the schema`,
    };
  if (code === '3D000')
    return {
      code: 'CONFIG',
      retryable: false,
      message: `${where}: ${detail}; create the database or fix its name in the connection string`,
    };
  if (code === '42P01' || code === '3F000')
    return {
      code: 'CONFIG',
      retryable: false,
      message: `${where}: ${detail}; run the store's migrate() or apply its SQL migrations (autoMigrate is off)`,
    };
  if (code === '54000' || code === '22P05' || code === '22021')
    return { code: 'VALIDATION', retryable: false, message: `${where} cannot hold this value (${detail})` };
  if (TLS_CODES.test(code) || /SSL|TLS|certificate/i.test(detail))
    return {
      code: 'CONFIG',
      retryable: false,
      message: `TLS with ${where} failed (${detail}); check sslmode in the connection string`,
    };
  return { code: 'STORAGE', retryable: false, message: `${where} failed (${code ? `${code}: ` : ''}${detail})` };
}

/** Maps a `pg` or network error to a redacted ConversationStoreError; store errors pass through unchanged. */
export function toStoreError(error: unknown, ctx: ErrorContext, action: string): ConversationStoreError {
  if (isConversationStoreError(error)) return error;
  const { code, retryable, message } = classify(error, ctx);
  return new ConversationStoreError(code, `${action}: ${message}`, {
    adapter: 'postgres',
    retryable,
    cause: error,
    secrets: [...ctx.secrets],
  });
}

/** A redacted error raised by the store itself (not by the driver). */
export function storeError(code: ErrorCode, message: string): ConversationStoreError {
  return new ConversationStoreError(code, message, { adapter: 'postgres' });
}
