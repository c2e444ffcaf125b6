// Type tests (vitest typecheck and tsc): the app's own UIMessage type goes in and comes out of every
// function, with no cast at the call site. Each expectation fails if a message type becomes `any` or the
// base UIMessage.
import { createMemoryStore, type ConversationMeta, type ConversationStore } from '@agent-conversations/core';
import { DefaultChatTransport, streamText, tool, type LanguageModel, type UIMessage } from 'ai';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { loadChat, saveChat, sendLastMessage, type LoadedChat } from '../src/index.js';

type Metadata = { sentAt: number };
type DataParts = { progress: { percent: number } };
type Tools = { weather: { input: { city: string }; output: { tempC: number } } };
type AppMessage = UIMessage<Metadata, DataParts, Tools>;
type OtherMessage = UIMessage<{ sentAt: string }>;

declare const store: ConversationStore;
declare const model: LanguageModel;
declare const body: { id: string; message: unknown; expectedVersion?: number };

const schemas = {
  metadataSchema: z.object({ sentAt: z.number() }),
  dataSchemas: { progress: z.object({ percent: z.number() }) },
  tools: {
    weather: tool({ inputSchema: z.object({ city: z.string() }), outputSchema: z.object({ tempC: z.number() }) }),
  },
};

describe('loadChat', () => {
  it('returns the messages as the app message type', async () => {
    const chat = await loadChat<AppMessage>(store, { userId: 'u', ...body, ...schemas });
    expectTypeOf(chat).toEqualTypeOf<LoadedChat<AppMessage>>();
    expectTypeOf(chat.messages).toEqualTypeOf<AppMessage[]>();
    expectTypeOf(chat.messages).not.toBeAny();
    expectTypeOf(chat.messages[0]!).not.toEqualTypeOf<UIMessage>();
    expectTypeOf(chat.messages[0]!.metadata).toEqualTypeOf<Metadata | undefined>();
    expectTypeOf(chat.meta).toEqualTypeOf<ConversationMeta | null>();
  });

  it('takes schemas only for the data parts and tools the message type has', async () => {
    // @ts-expect-error "weather" is a tool, not a data part of AppMessage
    await loadChat<AppMessage>(store, { userId: 'u', id: 'c', dataSchemas: { weather: z.object({}) } });
    // @ts-expect-error AppMessage has no tool "search"
    await loadChat<AppMessage>(store, { userId: 'u', id: 'c', tools: { search: schemas.tools.weather } });
  });

  it('defaults to the base UIMessage', async () => {
    expectTypeOf((await loadChat(store, { userId: 'u', id: 'c' })).messages).toEqualTypeOf<UIMessage[]>();
  });
});

describe('a chat route', () => {
  it('flows the app message type from loadChat through streamText and onFinish into saveChat', async () => {
    const chat = await loadChat<AppMessage>(store, { userId: 'u', ...body, ...schemas });
    const result = streamText({ model, messages: [] });
    result.toUIMessageStreamResponse({
      originalMessages: chat.messages,
      onFinish: async ({ messages, responseMessage }) => {
        expectTypeOf(messages).toEqualTypeOf<AppMessage[]>();
        expectTypeOf(responseMessage).toEqualTypeOf<AppMessage>();
        const meta = await saveChat(store, {
          chat,
          messages,
          usage: result.totalUsage,
          cost: (usage) => (usage.outputTokens ?? 0) * 1e-6,
        });
        expectTypeOf(meta).toEqualTypeOf<ConversationMeta>();
      },
    });
  });

  it('refuses messages of another type, and a chat together with a user and id', async () => {
    const chat = await loadChat<AppMessage>(store, { userId: 'u', id: 'c' });
    const other: OtherMessage[] = [];
    // @ts-expect-error OtherMessage is not the chat's message type
    await saveChat(store, { chat, messages: other });
    // @ts-expect-error a loaded chat already names its user, id and version
    await saveChat(store, { chat, userId: 'u', id: 'c', messages: chat.messages });
    // @ts-expect-error without a loaded chat, the user and id are required
    await saveChat(store, { messages: chat.messages });
    await saveChat(store, { userId: 'u', id: 'c', expectedVersion: 3, messages: chat.messages });
  });
});

describe('sendLastMessage', () => {
  it('fits the transport of the app message type', () => {
    const prepare = sendLastMessage<AppMessage>(() => 1);
    expectTypeOf(new DefaultChatTransport<AppMessage>({ prepareSendMessagesRequest: prepare })).toEqualTypeOf<
      DefaultChatTransport<AppMessage>
    >();
    expectTypeOf(prepare).parameter(0).toHaveProperty('messages').toEqualTypeOf<AppMessage[]>();
  });
});

describe('a store typed by the app message type', () => {
  it('gives UIMessage<...> back from get with no cast, and loadChat/saveChat take it', async () => {
    const typed = createMemoryStore<AppMessage>();
    const stored = await typed.get('u', 'c');
    expectTypeOf(stored!.messages).toEqualTypeOf<AppMessage[]>();
    expectTypeOf(stored!.messages[0]!.metadata).toEqualTypeOf<Metadata | undefined>();
    expectTypeOf(stored!.messages).not.toBeAny();
    const chat = await loadChat<AppMessage>(typed, { userId: 'u', ...body, ...schemas });
    expectTypeOf(chat.messages).toEqualTypeOf<AppMessage[]>();
    await saveChat(typed, { chat, messages: chat.messages });
  });
});
