import {
  addUsage,
  baseStore,
  checkVersion,
  isConversationStoreError,
  validateExpectedVersion,
  type ConversationInput,
  type ConversationMeta,
  type ConversationStore,
  type Usage,
} from '@agent-conversations/core';
import type { LanguageModelUsage, UIMessage } from 'ai';
import { loadedPrefix, type LoadedChat } from './load-chat.js';
import { turnUsage, type CostFunction } from './usage.js';

/** Which chat to save: the one loadChat returned, or its user and id (when the client sends the whole list). */
export type SaveTarget<UI_MESSAGE extends UIMessage> =
  | { chat: LoadedChat<UI_MESSAGE>; userId?: never; id?: never; expectedVersion?: never }
  | {
      chat?: never;
      userId: string;
      id: string;
      /** The version the client last saw (0 = a new chat), unchecked: an integer >= 0, else VALIDATION; CONFLICT when the stored one differs. */
      expectedVersion?: unknown;
    };

/** Options of {@link saveChat}. */
export type SaveChatOptions<UI_MESSAGE extends UIMessage> = SaveTarget<UI_MESSAGE> & {
  /** The whole list after the turn: `messages` of `toUIMessageStreamResponse`'s `onFinish`. */
  messages: UI_MESSAGE[];
  /** The turn's usage, e.g. `result.totalUsage` of `streamText`; added to the stored totals. */
  usage?: LanguageModelUsage | PromiseLike<LanguageModelUsage>;
  /** Prices the turn from its usage; stored as `costUsd` and added to the totals. */
  cost?: CostFunction;
  /** Wall time of the turn, added to the stored `durationMs`. */
  durationMs?: number;
  title?: string;
  model?: string;
  provider?: string;
  metadata?: Record<string, unknown>;
};

/** CONFLICT retries of a save without a client version whose usage base moved (another turn saved meanwhile). */
const RETRIES = 3;

// The messages a loaded chat gained at its end, when everything it loaded is still there unchanged (the
// same objects, as onFinish passes them on); undefined when the turn rewrote history or the chat is new.
function appendedTail<UI_MESSAGE extends UIMessage>(
  chat: LoadedChat<UI_MESSAGE>,
  messages: UI_MESSAGE[],
): UI_MESSAGE[] | undefined {
  const prefix = loadedPrefix(chat);
  if (!prefix || chat.version === 0 || prefix.kept !== prefix.stored || messages.length <= prefix.kept)
    return undefined;
  for (let i = 0; i < prefix.kept; i++) if (messages[i] !== chat.messages[i]) return undefined;
  return messages.slice(prefix.kept);
}

// The fields that are not stored as they are given; append cannot change them.
function changesMeta(
  fields: Pick<ConversationInput, 'title' | 'model' | 'provider' | 'metadata'>,
  meta: ConversationMeta | null,
): boolean {
  return (
    fields.metadata !== undefined ||
    (fields.title !== undefined && fields.title !== meta?.title) ||
    (fields.model !== undefined && fields.model !== meta?.model) ||
    (fields.provider !== undefined && fields.provider !== meta?.provider)
  );
}

// Upsert whose usage is the stored totals plus `delta`, compare-and-set on the version the totals were read at.
async function upsertAddingUsage(
  store: ConversationStore,
  input: ConversationInput,
  delta: Usage,
  expected: number | undefined,
  base: { version: number; usage?: Usage } | undefined,
): Promise<ConversationMeta> {
  for (let attempt = 0; ; attempt++) {
    let current = base;
    if (!current) {
      const stored = await store.get(input.userId, input.id);
      current = { version: stored?.version ?? 0, usage: stored?.usage };
    }
    base = undefined;
    checkVersion(expected, current.version, 'ai-sdk');
    try {
      return await store.upsert(
        { ...input, usage: addUsage(current.usage, delta) },
        { expectedVersion: current.version },
      );
    } catch (error) {
      // Without a client version the caller asked for last-writer-wins messages: read the new totals and write again.
      if (
        expected !== undefined ||
        attempt === RETRIES ||
        !isConversationStoreError(error) ||
        error.code !== 'CONFLICT'
      )
        throw error;
    }
  }
}

/**
 * Saves a chat after a turn (in `onFinish`) and adds the turn's usage and cost to the stored totals.
 *
 * With the chat loadChat returned, a turn that only added messages is one `append` of the new ones with
 * the usage delta, atomic in the store; a turn that rewrote history (regenerate, edit, a continued
 * assistant message) is an `upsert` of the whole list at the loaded version. With a user and id instead
 * (the client sent the whole list), it is an `upsert`; with usage, it first reads the stored totals.
 * `expectedVersion` from the client is checked on every path: a stale tab gets CONFLICT and nothing is
 * written.
 */
export async function saveChat<UI_MESSAGE extends UIMessage>(
  typed: ConversationStore<UI_MESSAGE> | ConversationStore,
  options: SaveChatOptions<UI_MESSAGE>,
): Promise<ConversationMeta> {
  const store = baseStore(typed);
  const { chat, messages, usage, cost, durationMs, title, model, provider, metadata } = options;
  const userId = chat ? chat.userId : options.userId;
  const id = chat ? chat.id : options.id;
  const expected = chat ? chat.expectedVersion : validateExpectedVersion(options.expectedVersion);
  const delta = usage === undefined ? undefined : turnUsage(await usage, { cost, durationMs, model, provider });
  const fields = { title, model, provider, metadata };
  const tail = chat && !changesMeta(fields, chat.meta) ? appendedTail(chat, messages) : undefined;
  if (tail) return store.append(userId, id, tail, { usage: delta, expectedVersion: expected });
  const input: ConversationInput<UI_MESSAGE> = { id, userId, messages };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(input, { [key]: value });
  if (!delta) return store.upsert(input, { expectedVersion: expected });
  const base = chat ? { version: chat.version, usage: chat.meta?.usage } : undefined;
  return upsertAddingUsage(store, input, delta, expected, base);
}
