import { loadChat, saveChat, turnUsage } from '@agent-conversations/ai-sdk';
import { assertConversationId, isConversationStoreError, type ConversationStore } from '@agent-conversations/core';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import {
  convertToModelMessages,
  createIdGenerator,
  createUIMessageStream,
  createUIMessageStreamResponse,
  streamText,
  validateUIMessages,
  type InferUIMessageChunk,
  type LanguageModelUsage,
  type StreamTextResult,
  type ToolSet,
} from 'ai';
import { demoCost, type ChatMessage, type ChatMetadata, type TurnInfo } from '../shared/chat.js';
import { errorResponse, isObject, readJson } from './http.js';

const messageId = createIdGenerator({ prefix: 'msg', size: 16 });
type Chunk = InferUIMessageChunk<ChatMessage>;
type Finished = { messages: ChatMessage[]; isAborted: boolean };

const onError = (error: unknown): string => {
  console.error('chat demo: the reply failed', error);
  return 'The reply failed; see the server log.';
};

/**
 * Streams the reply, then, once the turn is over, calls `finish` (which may save it) and sends what it
 * returns as a transient data part, so the page learns whether the turn was stored. A reply cut short
 * (Stop, or the page went away) is finished too, without usage (`totalUsage` rejects then).
 */
function replyStream(
  result: StreamTextResult<ToolSet, never>,
  originalMessages: ChatMessage[],
  model: LanguageModelV3,
  finish: (done: Finished, turn: TurnInfo) => Promise<Chunk | null>,
): Response {
  const started = Date.now();
  const metadata = ({
    part,
  }: {
    part: { type: string; totalUsage?: LanguageModelUsage };
  }): ChatMetadata | undefined => {
    if (part.type === 'start') return { createdAt: Date.now() };
    if (part.type === 'finish' && part.totalUsage) return { usage: turnUsage(part.totalUsage, { cost: demoCost }) };
    return undefined;
  };
  const stream = createUIMessageStream<ChatMessage>({
    onError,
    execute: async ({ writer }) => {
      let last: Chunk | null = null;
      const reply = result.toUIMessageStream<ChatMessage>({
        originalMessages,
        generateMessageId: messageId,
        messageMetadata: metadata,
        onError,
        onFinish: async (done) => {
          const usage = done.isAborted ? undefined : await result.totalUsage;
          last = await finish(done, {
            usage,
            durationMs: Date.now() - started,
            model: model.modelId,
            provider: model.provider,
          });
        },
      });
      const reader = reply.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) writer.write(read.value);
      if (last) writer.write(last);
    },
  });
  return createUIMessageStreamResponse({ stream });
}

/**
 * `POST /api/chat`, written as an AI SDK app writes its chat route with `@agent-conversations/ai-sdk`.
 * Signed in, the page sends only its last message and the version it last saw: `loadChat` checks the
 * version (a stale tab gets CONFLICT before the model runs) and loads the rest, and `saveChat` appends the
 * new messages with the turn's usage and cost; the page is told whether that worked (`data-saved` or
 * `data-save-failed`). Signed out, the session resolves to `local`: the page sends the whole list and
 * saves it in localStorage with the usage it gets in `data-turn`; nothing is stored on the server.
 */
export async function chatRoute(
  request: Request,
  options: { store: ConversationStore; userId: string | null; model: LanguageModelV3 },
): Promise<Response> {
  const { store, userId, model } = options;
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const body = isObject(read.body) ? read.body : {};
  const id = body.id;
  assertConversationId(id);
  if (userId === null && body.messages === undefined && body.message !== undefined) {
    // A signed-in page (it sends only its last message) whose session has expired or was ended in another tab.
    return errorResponse(
      'UNAUTHORIZED',
      'you are no longer signed in (the session expired or was signed out elsewhere): sign in again, then Retry',
    );
  }
  if (userId === null) {
    const messages = await validateUIMessages<ChatMessage>({ messages: body.messages });
    const result = streamText({ model, messages: await convertToModelMessages(messages), abortSignal: request.signal });
    return replyStream(result, messages, model, async (_done, turn) => ({
      type: 'data-turn',
      data: turn,
      transient: true,
    }));
  }
  const chat = await loadChat<ChatMessage>(store, {
    userId,
    id,
    message: body.message,
    expectedVersion: body.expectedVersion,
  });
  const result = streamText({
    model,
    messages: await convertToModelMessages(chat.messages),
    abortSignal: request.signal,
  });
  return replyStream(result, chat.messages, model, async ({ messages }, turn) => {
    try {
      const meta = await saveChat(store, {
        chat,
        messages,
        usage: turn.usage,
        cost: demoCost,
        durationMs: turn.durationMs,
        model: turn.model,
        provider: turn.provider,
      });
      return { type: 'data-saved', data: { meta }, transient: true };
    } catch (error) {
      if (!isConversationStoreError(error)) console.error('chat demo: saving a turn failed', error);
      const { code, message } = isConversationStoreError(error)
        ? error
        : { code: 'STORAGE' as const, message: 'unexpected server error (see the server log)' };
      return { type: 'data-save-failed', data: { code, message, turn }, transient: true };
    }
  });
}

/** The error response for a chat request the AI SDK rejected (messages that are not UI messages). */
export function chatValidationError(error: unknown): Response | null {
  if (error instanceof Error && (error.name === 'AI_TypeValidationError' || error.name === 'AI_InvalidArgumentError')) {
    return errorResponse('VALIDATION', `messages must be AI SDK UI messages: ${error.message}`);
  }
  return null;
}
