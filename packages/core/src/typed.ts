import type { ConversationStore, MessageInput } from './types.js';

/** The same store typed as the app's message type: messages come back exactly as they were written, so this is a view, not a conversion. */
export function typedStore<M extends MessageInput>(store: ConversationStore): ConversationStore<M> {
  return store as unknown as ConversationStore<M>;
}

/** A store of any message type as the base `ConversationStore`, for library code that handles every message type (e.g. the AI SDK helpers). */
export function baseStore<M extends MessageInput>(store: ConversationStore<M> | ConversationStore): ConversationStore {
  return store as unknown as ConversationStore;
}
