// Type tests (run by `tsc` in the typecheck target): a store typed by the app's message type gives that type back
// with no cast. Each expectation fails if the type collapses to `any` or to the base `Message`.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createMemoryStore,
  createStoreResolver,
  defaultTitle,
  resolveConversationStore,
  type ConversationStore,
  type Message,
  type StoredConversation,
} from '../src/index.js';

interface AppMessage {
  id: string;
  role: 'user' | 'assistant' | 'system';
  parts: ({ type: 'text'; text: string } | { type: 'tool-weather'; input: { city: string } })[];
  metadata?: { sentAt: number };
}

describe('ConversationStore<M>', () => {
  it('the memory store and the resolvers carry the message type into get', async () => {
    const store = createMemoryStore<AppMessage>();
    expectTypeOf(store).toEqualTypeOf<ConversationStore<AppMessage>>();
    const chat = await store.get('u', 'c');
    expectTypeOf(chat).toEqualTypeOf<StoredConversation<AppMessage> | null>();
    expectTypeOf(chat!.messages).toEqualTypeOf<AppMessage[]>();
    expectTypeOf(chat!.messages[0]!.parts[0]!).not.toBeAny();
    expectTypeOf(chat!.messages).not.toEqualTypeOf<Message[]>();
    expectTypeOf(await resolveConversationStore<AppMessage>()).toEqualTypeOf<ConversationStore<AppMessage>>();
    expectTypeOf(await createStoreResolver([]).resolve<AppMessage>()).toEqualTypeOf<ConversationStore<AppMessage>>();
  });

  it('writes of a typed store take the app type and refuse other shapes', async () => {
    const store = createMemoryStore<AppMessage>();
    const message: AppMessage = { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] };
    await store.upsert({ id: 'c', userId: 'u', messages: [message] });
    await store.append('u', 'c', [message]);
    // @ts-expect-error a message without parts is not an AppMessage
    await store.append('u', 'c', [{ id: 'm2', role: 'user' }]);
    // @ts-expect-error a role the app does not have
    await store.upsert({ id: 'c', userId: 'u', messages: [{ ...message, role: 'tool' }] });
  });

  it('an untyped store stays as before: Message back, any message with an id and a role in', async () => {
    const store = createMemoryStore();
    expectTypeOf(store).toEqualTypeOf<ConversationStore<Message>>();
    expectTypeOf((await store.get('u', 'c'))!.messages).toEqualTypeOf<Message[]>();
    const message: AppMessage = { id: 'm1', role: 'user', parts: [] };
    await store.upsert({ id: 'c', userId: 'u', messages: [message] });
    await store.append('u', 'c', [message]);
  });

  it('defaultTitle takes the app message type as it is (no index signature needed)', () => {
    const messages: AppMessage[] = [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }];
    expectTypeOf(defaultTitle(messages)).toEqualTypeOf<string>();
  });
});
