import {
  ConversationStoreError,
  isConversationStoreError,
  type AppendOptions,
  type ErrorCode,
  type ListOptions,
  type WindowOptions,
  type WriteOptions,
} from '@agent-conversations/core';
import { mapSqlError } from '../shared/errors.js';

/** What every RPC method of the Durable Object resolves to: JSON text on success, a serializable error otherwise (error classes do not survive RPC). */
export type ConversationsReply =
  { ok: true; json: string } | { ok: false; error: { code: ErrorCode; message: string; retryable: boolean } };

/** The RPC surface of AgentConversationsDurableObject; conversation and message payloads travel as JSON text so they arrive byte for byte. */
export interface ConversationsRpc {
  /** A ListPage as JSON. */
  listConversations(userId: string, options?: ListOptions): Promise<ConversationsReply>;
  /** A StoredConversation as JSON, or `null`. */
  getConversation(userId: string, id: string): Promise<ConversationsReply>;
  /** A MessageWindow as JSON (its messages as stored), or `null`. */
  windowConversation(userId: string, id: string, options?: WindowOptions): Promise<ConversationsReply>;
  /** Takes a ConversationInput as JSON; replies with the ConversationMeta. */
  upsertConversation(inputJson: string, options?: WriteOptions): Promise<ConversationsReply>;
  /** Takes an ExtendChange as JSON (an upsert the caller validated); replies with the ConversationMeta, or `null` when the stored
   * messages are not the given ones minus at most the tail (nothing written: send the whole input to upsertConversation). */
  extendConversation(changeJson: string): Promise<ConversationsReply>;
  /** Takes a JSON array of messages; replies with the ConversationMeta. */
  appendMessages(
    userId: string,
    id: string,
    messagesJson: string,
    options?: AppendOptions,
  ): Promise<ConversationsReply>;
  /** Takes a ConversationPatch as JSON; replies with the ConversationMeta. */
  updateConversation(
    userId: string,
    id: string,
    patchJson: string,
    options?: WriteOptions,
  ): Promise<ConversationsReply>;
  /** Replies `true` or `false`. */
  deleteConversation(userId: string, id: string): Promise<ConversationsReply>;
  /** Replies with the number deleted. */
  deleteAllConversations(userId: string): Promise<ConversationsReply>;
}

const CODES: readonly ErrorCode[] = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'UNAVAILABLE',
  'STORAGE',
  'CONFIG',
];

/** Runs `work` (which returns JSON text) and turns its result or error into a reply (inside the Durable Object). */
export async function toReply(work: () => Promise<string>): Promise<ConversationsReply> {
  try {
    return { ok: true, json: await work() };
  } catch (error) {
    const mapped = isConversationStoreError(error) ? error : mapSqlError(error, 'durable-object');
    return { ok: false, error: { code: mapped.code, message: mapped.message, retryable: mapped.retryable } };
  }
}

/** Rebuilds the ConversationStoreError a reply carries (in the Worker calling the object). */
export function fromReplyError(error: {
  code?: unknown;
  message?: unknown;
  retryable?: unknown;
}): ConversationStoreError {
  const code = CODES.includes(error.code as ErrorCode) ? (error.code as ErrorCode) : 'STORAGE';
  const message = typeof error.message === 'string' ? error.message : 'the Durable Object failed without a message';
  return new ConversationStoreError(code, message, { adapter: 'durable-object', retryable: error.retryable === true });
}
