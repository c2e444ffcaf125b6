import { loadChat, saveChat } from '@agent-conversations/ai-sdk';
import { assertConversationId, type ConversationStore } from '@agent-conversations/core';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { convertToModelMessages, createIdGenerator, streamText, validateUIMessages, type LanguageModelUsage, type UIMessage } from 'ai';
import { errorResponse, isObject, readJson } from './http.js';

const messageId = createIdGenerator({ prefix: 'msg', size: 16 });

/** What a turn would cost at an illustrative $1 per million input and $2 per million output tokens (the scripted model is free). */
export function demoCost(usage: LanguageModelUsage): number {
  return ((usage.inputTokens ?? 0) * 1 + (usage.outputTokens ?? 0) * 2) / 1_000_000;
}

/**
 * `POST /api/chat`, written as an AI SDK app writes its chat route with `@agent-conversations/ai-sdk`.
 * Signed in, the page sends only its last message and the version it last saw: `loadChat` checks the
 * version (a stale tab gets CONFLICT before the model runs) and loads the rest, and `saveChat` in
 * `onFinish` appends the new messages with the turn's usage and cost. Signed out, the session resolves to
 * `local`: the page sends the whole list, nothing is stored on the server, the page saves it in localStorage.
 */
export async function chatRoute(request: Request, options: { store: ConversationStore; userId: string | null; model: LanguageModelV3 }): Promise<Response> {
  const { store, userId, model } = options;
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const body = isObject(read.body) ? read.body : {};
  const id = body.id;
  assertConversationId(id);
  const onError = (error: unknown): string => {
    console.error('chat demo: the reply failed', error);
    return 'The reply failed; see the server log.';
  };
  if (userId === null) {
    const messages = await validateUIMessages<UIMessage>({ messages: body.messages });
    const result = streamText({ model, messages: await convertToModelMessages(messages), abortSignal: request.signal });
    return result.toUIMessageStreamResponse({ originalMessages: messages, generateMessageId: messageId, onError });
  }
  const chat = await loadChat<UIMessage>(store, { userId, id, message: body.message, expectedVersion: body.expectedVersion });
  const started = Date.now();
  const result = streamText({ model, messages: await convertToModelMessages(chat.messages), abortSignal: request.signal });
  return result.toUIMessageStreamResponse({
    originalMessages: chat.messages,
    generateMessageId: messageId,
    // A reply cut short (the page went away) is still saved; its usage is unknown (totalUsage rejects).
    onFinish: async ({ messages, isAborted }) => {
      const usage = isAborted ? undefined : result.totalUsage;
      await saveChat(store, { chat, messages, usage, cost: demoCost, durationMs: Date.now() - started, model: model.modelId, provider: model.provider });
    },
    onError,
  });
}

/** The error response for a chat request the AI SDK rejected (messages that are not UI messages). */
export function chatValidationError(error: unknown): Response | null {
  if (error instanceof Error && (error.name === 'AI_TypeValidationError' || error.name === 'AI_InvalidArgumentError')) {
    return errorResponse('VALIDATION', `messages must be AI SDK UI messages: ${error.message}`);
  }
  return null;
}
