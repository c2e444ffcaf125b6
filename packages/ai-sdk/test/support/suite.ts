import type { ConversationStore, Usage } from '@agent-conversations/core';
import { DefaultChatTransport, type LanguageModelUsage } from 'ai';
import { describe, expect, it } from 'vitest';
import { loadChat, saveChat, sendLastMessage } from '../../src/index.js';
import { TestChat } from './chat.js';
import { TURN } from './model.js';
import { chatServer, cost, readBarrier, recorded, type AppMessage } from './server.js';

let n = 0;
const uid = (label: string): string => `${label}-${Date.now()}-${n++}`;

/** The stored totals after `turns` replies of the mock model, priced by the app's cost function. */
function totals(turns: number): Usage {
  const usage = { inputTokens: TURN.input, outputTokens: TURN.output } as LanguageModelUsage;
  return {
    inputTokens: TURN.input * turns,
    outputTokens: TURN.output * turns,
    reasoningTokens: TURN.reasoning * turns,
    cachedTokens: TURN.cacheRead * turns,
    costUsd: expect.closeTo(cost(usage) * turns, 12) as unknown as number,
  };
}

/** The text of each message (stored messages are plain JSON, the chat's are the app's type). */
const texts = (messages: readonly object[]): string[] =>
  messages.map((m) =>
    (m as { parts: { type: string; text?: string }[] }).parts
      .filter((p) => p.type === 'text')
      .map((p) => p.text)
      .join(''),
  );

/** Starts `held` with the model's reply held back, runs `meanwhile` to the end, then lets the held reply finish. */
async function overlap(
  server: ReturnType<typeof chatServer>,
  held: () => Promise<void>,
  meanwhile: () => Promise<void>,
): Promise<void> {
  let release!: () => void;
  server.holdNextReply(new Promise<void>((resolve) => (release = resolve)));
  const calls = server.model.doStreamCalls.length;
  const turn = held();
  await expect.poll(() => server.model.doStreamCalls.length).toBe(calls + 1);
  await meanwhile();
  release();
  await turn;
}

/** Runs the persistence scenarios over a real store; `open` is called inside each test. */
export function describeChatPersistence(name: string, open: () => ConversationStore): void {
  describe(`ai-sdk persistence on ${name}`, () => {
    /** A fresh user and chat id, the store with its calls recorded, and the app's chat routes over it. */
    const setup = () => {
      const { store, calls } = recorded(open());
      const [userId, id] = [uid('u'), uid('c')];
      return { store, calls, userId, id, server: chatServer(store, userId) };
    };

    /** A browser tab: the AI SDK chat with the given pattern, sending the version it last saw. */
    const tab = (
      server: ReturnType<typeof chatServer>,
      id: string,
      pattern: 'last' | 'all',
      start: { messages?: AppMessage[]; version?: number } = {},
    ) => {
      const state = { version: start.version };
      const transport = new DefaultChatTransport<AppMessage>({
        api: `http://chat.test/${pattern}`,
        fetch: server.fetch,
        ...(pattern === 'last'
          ? { prepareSendMessagesRequest: sendLastMessage<AppMessage>(() => state.version) }
          : { body: () => ({ expectedVersion: state.version }) }),
      });
      const chat = new TestChat<AppMessage>({ id, messages: start.messages ?? [], transport });
      return { chat, state };
    };

    it('sending only the last message: the server loads the rest, a new chat is created, later turns append only the new messages with the usage delta', async () => {
      const { store, calls, userId, id, server } = setup();
      const { chat, state } = tab(server, id, 'last', { version: 0 });
      await chat.sendMessage({ text: 'hello', metadata: { sentAt: 1 } });
      expect(chat.error).toBeUndefined();
      let stored = (await store.get(userId, id))!;
      expect(stored.messages).toEqual(chat.messages);
      expect(texts(stored.messages)).toEqual(['hello', 'reply 1 to: hello']);
      expect(stored.messages[1]!.id).toMatch(/^msg-/);
      expect(stored).toMatchObject({
        version: 1,
        model: 'mock-reply',
        provider: 'test',
        title: 'hello',
        usage: totals(1),
      });
      state.version = stored.version;

      calls.length = 0;
      await chat.sendMessage({ text: 'and again' });
      const turnCalls = [...calls];
      expect(chat.error).toBeUndefined();
      // The model saw the whole stored history, though the client sent one message.
      expect(server.model.doStreamCalls[1]!.prompt.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      stored = (await store.get(userId, id))!;
      expect(texts(stored.messages)).toEqual(['hello', 'reply 1 to: hello', 'and again', 'reply 2 to: and again']);
      expect(stored.messages).toEqual(chat.messages);
      expect(stored).toMatchObject({ version: 2, usage: totals(2) });
      // One read for the turn, one append of the two new messages with the usage delta: no rewrite.
      expect(turnCalls).toEqual(['get', 'append']);
    });

    it('regenerate: the stored reply is replaced, the history is rewritten from there, and the usage still adds up', async () => {
      const { store, calls, userId, id, server } = setup();
      const { chat, state } = tab(server, id, 'last', { version: 0 });
      await chat.sendMessage({ text: 'first' });
      state.version = 1;
      await chat.sendMessage({ text: 'second' });
      state.version = 2;
      calls.length = 0;
      await chat.regenerate();
      const turnCalls = [...calls];
      expect(chat.error).toBeUndefined();
      const stored = (await store.get(userId, id))!;
      expect(texts(stored.messages)).toEqual(['first', 'reply 1 to: first', 'second', 'reply 3 to: second']);
      expect(stored.messages).toEqual(chat.messages);
      expect(stored).toMatchObject({ version: 3, messageCount: 4, usage: totals(3) });
      expect(turnCalls).toEqual(['get', 'upsert']);
    });

    it('a stale tab gets CONFLICT before the model is called, and the newer history stays', async () => {
      const { store, userId, id, server } = setup();
      const first = tab(server, id, 'last', { version: 0 });
      await first.chat.sendMessage({ text: 'one' });
      const loaded = (await store.get(userId, id))!;
      const older = tab(server, id, 'last', { messages: first.chat.messages, version: loaded.version });
      first.state.version = loaded.version;
      await first.chat.sendMessage({ text: 'two from the first tab' });
      const newer = (await store.get(userId, id))!;
      const modelCalls = server.model.doStreamCalls.length;

      await older.chat.sendMessage({ text: 'two from a stale tab' });
      expect(older.chat.error?.message).toMatch(/CONFLICT.*expected version 1 but the conversation is at version 2/);
      expect(server.model.doStreamCalls.length).toBe(modelCalls);
      expect(await store.get(userId, id)).toEqual(newer);
    });

    it('a turn whose chat was saved by another tab while it streamed gets CONFLICT and writes nothing', async () => {
      const { store, userId, id, server } = setup();
      const first = tab(server, id, 'last', { version: 0 });
      await first.chat.sendMessage({ text: 'one' });
      first.state.version = 1;
      const slow = tab(server, id, 'last', { messages: first.chat.messages, version: 1 });
      await overlap(
        server,
        () => slow.chat.sendMessage({ text: 'slow' }),
        () => first.chat.sendMessage({ text: 'fast' }),
      );
      const newer = (await store.get(userId, id))!;
      expect(texts(newer.messages)).toEqual(['one', 'reply 1 to: one', 'fast', 'reply 3 to: fast']);
      expect(slow.chat.error?.message).toMatch(/expected version 1 but the conversation is at version 2/);
      expect(await store.get(userId, id)).toEqual(newer);
    });

    it('without expectedVersion, turns of two tabs that overlap both land and both usages count', async () => {
      const { store, userId, id, server } = setup();
      const a = tab(server, id, 'last');
      await a.chat.sendMessage({ text: 'start' });
      const b = tab(server, id, 'last', { messages: a.chat.messages });
      await overlap(
        server,
        () => b.chat.sendMessage({ text: 'from b' }),
        () => a.chat.sendMessage({ text: 'from a' }),
      );
      expect(b.chat.error).toBeUndefined();
      const stored = (await store.get(userId, id))!;
      expect(texts(stored.messages)).toEqual([
        'start',
        'reply 1 to: start',
        'from a',
        'reply 3 to: from a',
        'from b',
        'reply 2 to: from b',
      ]);
      expect(stored).toMatchObject({ version: 3, usage: totals(3) });
    });

    it('the whole list in onFinish: every turn is saved with its usage, and a stale tab gets CONFLICT without overwriting', async () => {
      const { store, userId, id, server } = setup();
      const { chat, state } = tab(server, id, 'all', { version: 0 });
      await chat.sendMessage({ text: 'hi' });
      state.version = 1;
      await chat.sendMessage({ text: 'more' });
      expect(chat.error).toBeUndefined();
      const stored = (await store.get(userId, id))!;
      expect(stored.messages).toEqual(chat.messages);
      expect(stored).toMatchObject({ version: 2, messageCount: 4, usage: totals(2) });

      const stale = tab(server, id, 'all', { messages: chat.messages.slice(0, 2), version: 1 });
      await stale.chat.sendMessage({ text: 'stale' });
      expect(stale.chat.error?.message).toMatch(/expected version 1 but the conversation is at version 2/);
      expect(await store.get(userId, id)).toEqual(stored);
    });

    it('the whole list without expectedVersion: saves that read the same totals are last-writer-wins for messages and lose no usage', async () => {
      const { store, calls } = recorded(open());
      const [userId, id] = [uid('u'), uid('c')];
      // Both saves read the stored totals (version 0) before either writes: one compare-and-set must fail and retry.
      const server = chatServer(readBarrier(store, 2), userId);
      const a = tab(server, id, 'all');
      const b = tab(server, id, 'all');
      await Promise.all([a.chat.sendMessage({ text: 'from a' }), b.chat.sendMessage({ text: 'from b' })]);
      expect([a.chat.error, b.chat.error]).toEqual([undefined, undefined]);
      expect(calls).toEqual(['get', 'get', 'upsert', 'upsert', 'get', 'upsert']);
      const stored = (await store.get(userId, id))!;
      expect([texts(a.chat.messages), texts(b.chat.messages)]).toContainEqual(texts(stored.messages));
      expect(stored).toMatchObject({ version: 2, usage: totals(2) });
    });

    it('a turn whose usage never came (an aborted stream) is not saved, and nothing is half-written', async () => {
      const { store, userId, id, server } = setup();
      const { chat } = tab(server, id, 'last', { version: 0 });
      await chat.sendMessage({ text: 'kept' });
      const before = (await store.get(userId, id))!;
      const loaded = await loadChat<AppMessage>(store, {
        userId,
        id,
        message: { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'cut short' }] },
      });
      const aborted = Promise.reject(new DOMException('This operation was aborted', 'AbortError'));
      await expect(saveChat(store, { chat: loaded, messages: loaded.messages, usage: aborted })).rejects.toThrow(
        'aborted',
      );
      expect(await store.get(userId, id)).toEqual(before);
    });

    it('refuses a bad message with VALIDATION before the model runs or anything is written', async () => {
      const { store, userId, id, server } = setup();
      const send = (message: unknown) =>
        server.fetch('http://chat.test/last', { method: 'POST', body: JSON.stringify({ id, message }) });
      const text = [{ type: 'text', text: 'x' }];
      for (const message of [
        { id: 'm1', role: 'system', parts: text },
        { id: 'm1', role: 'assistant', parts: text },
        { id: 'm1', role: 'user', parts: text, metadata: { sentAt: 'yesterday' } },
        { id: 'm1', role: 'user', parts: 'not a list' },
        { role: 'user', parts: text },
      ]) {
        const response = await send(message);
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
      }
      for (const expectedVersion of [-1, 1.5, '0']) {
        const response = await server.fetch('http://chat.test/last', {
          method: 'POST',
          body: JSON.stringify({ id, message: { id: 'm1', role: 'user', parts: text }, expectedVersion }),
        });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
          /expectedVersion must be an integer >= 0/,
        );
      }
      expect(server.model.doStreamCalls).toHaveLength(0);
      expect(await store.get(userId, id)).toBeNull();
    });

    it("a user cannot load or overwrite another user's chat", async () => {
      const store = open();
      const [alice, bob, id] = [uid('alice'), uid('bob'), uid('c')];
      const aliceTab = tab(chatServer(store, alice), id, 'last', { version: 0 });
      await aliceTab.chat.sendMessage({ text: 'private' });
      const aliceChat = await store.get(alice, id);
      const bobServer = chatServer(store, bob);
      const bobTab = tab(bobServer, id, 'last', { version: 1 });
      await bobTab.chat.sendMessage({ text: 'let me in' });
      expect(bobTab.chat.error?.message).toMatch(/CONFLICT/);
      const fresh = tab(bobServer, id, 'last');
      await fresh.chat.sendMessage({ text: 'mine' });
      expect(bobServer.model.doStreamCalls[0]!.prompt.map((m) => m.role)).toEqual(['user']);
      expect(texts((await store.get(bob, id))!.messages)).toEqual(['mine', 'reply 1 to: mine']);
      expect(await store.get(alice, id)).toEqual(aliceChat);
    });
  });
}
