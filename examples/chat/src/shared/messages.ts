import type { Message } from '@agent-conversations/core';
import type { UIMessage } from 'ai';

/**
 * AI SDK UI messages as the store's messages. A UIMessage is a Message (an id, a role, JSON parts), but
 * TypeScript does not give an interface like UIMessage the index signature Message declares, hence the cast.
 */
export function toStoreMessages<M extends UIMessage>(messages: M[]): Message[] {
  return messages as unknown as Message[];
}
