import {
  baseStore,
  checkVersion,
  ConversationStoreError,
  validateExpectedVersion,
  type ConversationMeta,
  type ConversationStore,
} from '@agent-conversations/core';
import { validateUIMessages, type UIMessage } from 'ai';

/** The app's schemas for `validateUIMessages`: metadata, data parts and tools of its `UIMessage` type. */
export type ChatSchemas<UI_MESSAGE extends UIMessage> = Omit<
  Parameters<typeof validateUIMessages<UI_MESSAGE>>[0],
  'messages'
>;

/** Options of {@link loadChat}. */
export type LoadChatOptions<UI_MESSAGE extends UIMessage> = ChatSchemas<UI_MESSAGE> & {
  /** The signed-in user; the chat of another user is not found. */
  userId: string;
  /** The chat id (the AI SDK chat id). */
  id: string;
  /**
   * The one message the client sent (AI SDK "sending only the last message"), unchecked: it is validated
   * here. A message whose id is stored replaces that message and drops the ones after it (regenerate,
   * edit, a tool result added on the client); any other is added at the end. A client may send a `user`
   * message, or a stored `assistant` message with its tool results; anything else is VALIDATION.
   */
  message?: unknown;
  /**
   * The version the client last saw (0 = a new chat), unchecked like `message`: an integer >= 0, else
   * VALIDATION; CONFLICT when the stored one differs, before any model call.
   */
  expectedVersion?: unknown;
};

/** A chat as {@link loadChat} read it, ready for `streamText` and for {@link saveChat}. */
export interface LoadedChat<UI_MESSAGE extends UIMessage> {
  readonly userId: string;
  readonly id: string;
  /** The stored messages, validated, plus the client's message: the model's input and `originalMessages`. */
  readonly messages: UI_MESSAGE[];
  /** The stored version; 0 when the chat does not exist yet. */
  readonly version: number;
  /** The version the client sent, checked against the stored one and again when saving. */
  readonly expectedVersion: number | undefined;
  /** The stored title, usage and the rest; null when the chat does not exist yet. */
  readonly meta: ConversationMeta | null;
}

/** How many leading messages of a loaded chat are stored as they are, and how many were stored. */
export interface LoadedPrefix {
  kept: number;
  stored: number;
}

const prefixes = new WeakMap<object, LoadedPrefix>();

/** The stored prefix of a chat loadChat returned; undefined for any other object. */
export function loadedPrefix(chat: object): LoadedPrefix | undefined {
  return prefixes.get(chat);
}

async function validated<UI_MESSAGE extends UIMessage>(
  messages: unknown[],
  schemas: ChatSchemas<UI_MESSAGE>,
  what: string,
): Promise<UI_MESSAGE[]> {
  try {
    return await validateUIMessages<UI_MESSAGE>({ ...schemas, messages });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ConversationStoreError(
      'VALIDATION',
      `${what} is not a valid UI message for this app's schemas: ${reason}`,
      { adapter: 'ai-sdk', cause },
    );
  }
}

function acceptMessage(message: UIMessage, history: readonly UIMessage[]): number {
  const at = history.findIndex((m) => m.id === message.id);
  if (at < 0 && message.role === 'user') return history.length;
  if (at >= 0 && history[at]!.role === message.role && (message.role === 'user' || message.role === 'assistant'))
    return at;
  const found = at < 0 ? 'a new' : `stored message "${message.id}" is a ${history[at]!.role} message, not a`;
  throw new ConversationStoreError(
    'VALIDATION',
    `the client may send a user message or a stored assistant message with its tool results; ${found} ${message.role} message`,
    { adapter: 'ai-sdk' },
  );
}

/**
 * Loads a chat for the next turn: checks `expectedVersion`, validates the stored messages with the app's
 * schemas (as the AI SDK recommends for stored tool calls, metadata and data parts) and, when the client
 * sent only its last message, puts it in place. Throws CONFLICT for a stale client and VALIDATION for a
 * bad message, before anything is written or any model is called.
 */
export async function loadChat<UI_MESSAGE extends UIMessage = UIMessage>(
  typed: ConversationStore<UI_MESSAGE> | ConversationStore,
  options: LoadChatOptions<UI_MESSAGE>,
): Promise<LoadedChat<UI_MESSAGE>> {
  const store = baseStore(typed);
  const { userId, id, message, expectedVersion, ...schemas } = options;
  const expected = validateExpectedVersion(expectedVersion);
  const incoming =
    message === undefined ? undefined : (await validated<UI_MESSAGE>([message], schemas, 'the message'))[0]!;
  const stored = await store.get(userId, id);
  const version = stored?.version ?? 0;
  checkVersion(expected, version, 'ai-sdk');
  const history =
    stored && stored.messages.length > 0
      ? await validated<UI_MESSAGE>(stored.messages, schemas, `a stored message of chat "${id}"`)
      : [];
  const kept = incoming ? acceptMessage(incoming, history) : history.length;
  const messages = incoming ? [...history.slice(0, kept), incoming] : history;
  let meta: ConversationMeta | null = null;
  if (stored) {
    const { messages: _messages, ...rest } = stored;
    meta = rest;
  }
  const chat: LoadedChat<UI_MESSAGE> = { userId, id, messages, version, expectedVersion: expected, meta };
  prefixes.set(chat, { kept, stored: history.length });
  return chat;
}
