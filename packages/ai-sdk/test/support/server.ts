import { isConversationStoreError, type ConversationStore } from '@agent-conversations/core';
import {
  convertToModelMessages,
  createIdGenerator,
  streamText,
  validateUIMessages,
  type LanguageModelUsage,
  type UIMessage,
} from 'ai';
import { z } from 'zod';
import { loadChat, saveChat } from '../../src/index.js';
import { replyModel } from './model.js';

/** The app's own message type: metadata the client sets on its messages. */
export type AppMessage = UIMessage<{ sentAt?: number }>;
export const metadataSchema = z.object({ sentAt: z.number().int().optional() }).strict().optional();

/** The app's price list: $3 per million input tokens, $15 per million output tokens. */
export const cost = (usage: LanguageModelUsage): number =>
  ((usage.inputTokens ?? 0) * 3 + (usage.outputTokens ?? 0) * 15) / 1_000_000;

/** Every store call, in order, by method name. */
export function recorded(store: ConversationStore): { store: ConversationStore; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

/** The store, with its next `n` reads each held until all `n` have read: `n` saves then start from the same version. */
export function readBarrier(store: ConversationStore, n: number): ConversationStore {
  let arrived = 0;
  let open!: () => void;
  const all = new Promise<void>((resolve) => (open = resolve));
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'get') return Reflect.get(target, key, receiver) as unknown;
      return async (userId: string, id: string) => {
        const read = await target.get(userId, id);
        if (arrived < n) {
          arrived += 1;
          if (arrived === n) open();
          await all;
        }
        return read;
      };
    },
  });
}

function errorResponse(error: unknown): Response {
  if (!isConversationStoreError(error)) throw error;
  const status = { VALIDATION: 400, CONFLICT: 409, NOT_FOUND: 404 }[error.code as string] ?? 500;
  return Response.json({ error: { code: error.code, message: error.message } }, { status });
}

/**
 * A chat route as an app writes it with this package, served in-process through `fetch`: `/last` is the
 * AI SDK's "send only the last message" pattern (the server loads the rest), `/all` the client sending
 * the whole list. Both save in onFinish with the turn's usage and cost.
 */
export function chatServer(store: ConversationStore, userId: string) {
  let hold: Promise<void> | undefined;
  const model = replyModel(async () => {
    const gate = hold;
    hold = undefined;
    await gate;
  });
  const generateMessageId = createIdGenerator({ prefix: 'msg', size: 16 });
  const saveOptions = { cost, model: model.modelId, provider: model.provider };

  const lastMessage = async (body: { id: string; message: unknown; expectedVersion?: number }): Promise<Response> => {
    const chat = await loadChat<AppMessage>(store, {
      userId,
      id: body.id,
      message: body.message,
      expectedVersion: body.expectedVersion,
      metadataSchema,
    });
    const result = streamText({ model, messages: await convertToModelMessages(chat.messages) });
    return result.toUIMessageStreamResponse({
      originalMessages: chat.messages,
      generateMessageId,
      onFinish: async ({ messages }) => {
        await saveChat(store, { chat, messages, usage: result.totalUsage, ...saveOptions });
      },
    });
  };

  const wholeList = async (body: { id: string; messages: unknown; expectedVersion?: number }): Promise<Response> => {
    const messages = await validateUIMessages<AppMessage>({ messages: body.messages, metadataSchema });
    const result = streamText({ model, messages: await convertToModelMessages(messages) });
    return result.toUIMessageStreamResponse({
      originalMessages: messages,
      generateMessageId,
      onFinish: async ({ messages: all }) => {
        await saveChat(store, {
          userId,
          id: body.id,
          expectedVersion: body.expectedVersion,
          messages: all,
          usage: result.totalUsage,
          ...saveOptions,
        });
      },
    });
  };

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = (await request.json()) as {
      id: string;
      message: unknown;
      messages: unknown;
      expectedVersion?: number;
    };
    try {
      return await (new URL(request.url).pathname === '/last' ? lastMessage(body) : wholeList(body));
    } catch (error) {
      return errorResponse(error);
    }
  };

  return {
    fetch,
    model,
    /** The next model call waits for `gate` before it streams. */
    holdNextReply(gate: Promise<void>): void {
      hold = gate;
    },
  };
}
