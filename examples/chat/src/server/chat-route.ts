import { assertConversationId, type ConversationStore } from '@agent-conversations/core';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { convertToModelMessages, createIdGenerator, streamText, validateUIMessages } from 'ai';
import { toStoreMessages } from '../shared/messages.js';
import { errorResponse, isObject, readJson } from './http.js';

const messageId = createIdGenerator({ prefix: 'msg', size: 16 });

/**
 * `POST /api/chat`, written as an AI SDK app writes its chat route: the model's reply is streamed to the page
 * as UI messages and, for a signed-in user, the whole conversation is saved in `onFinish` through `upsert`
 * (which writes only from the first changed message on). Signed-out sessions resolve to `local`: nothing is
 * stored on the server, the page saves the conversation in localStorage itself.
 */
export async function chatRoute(request: Request, options: { store: ConversationStore; userId: string | null; model: LanguageModelV3 }): Promise<Response> {
  const { store, userId, model } = options;
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const body = isObject(read.body) ? read.body : {};
  const id = body.id;
  assertConversationId(id);
  const messages = await validateUIMessages({ messages: body.messages });
  const result = streamText({ model, messages: await convertToModelMessages(messages), abortSignal: request.signal });
  return result.toUIMessageStreamResponse({
    originalMessages: messages,
    generateMessageId: messageId,
    onFinish: async ({ messages: all }) => {
      if (userId === null) return;
      await store.upsert({ id, userId, messages: toStoreMessages(all), model: model.modelId, provider: model.provider });
    },
    onError: (error) => {
      console.error('chat demo: the reply failed', error);
      return 'The reply failed; see the server log.';
    },
  });
}

/** The error response for a chat request the AI SDK rejected (messages that are not UI messages). */
export function chatValidationError(error: unknown): Response | null {
  if (error instanceof Error && (error.name === 'AI_TypeValidationError' || error.name === 'AI_InvalidArgumentError')) {
    return errorResponse('VALIDATION', `messages must be AI SDK UI messages: ${error.message}`);
  }
  return null;
}
