import type { ConversationStore, Message } from '@agent-conversations/core';
import { expect } from 'vitest';
import { createAgentStateStore, type AgentStateStoreOptions } from '../src/index.js';
import type { AgentStateTestServer } from './server/agentstate-server.js';

let counter = 0;

/** A unique id for this test run. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}

/** An AI SDK-style text message. */
export function text(role: 'user' | 'assistant', words: string, id = uid('m')): Message {
  return { id, role, parts: [{ type: 'text', text: words }] };
}

/** Message `m<i>`: user on even i, assistant on odd, one text part. */
export const msg = (i: number): Message => ({
  id: `m${i}`,
  role: i % 2 ? 'assistant' : 'user',
  parts: [{ type: 'text', text: `text ${i}` }],
});

/** Messages `m<from>` to `m<to - 1>`. */
export const range = (from: number, to: number): Message[] =>
  Array.from({ length: to - from }, (_, k) => msg(from + k));

/** N alternating user/assistant messages. */
export function turns(count: number): Message[] {
  return Array.from({ length: count }, (_, i) => text(i % 2 ? 'assistant' : 'user', `message ${i}`));
}

/**
 * One write of every kind, in turn: an append recording usage, an append of 2, a rename, a rewrite of the last 3 into
 * 12, an append of 7, a cut to 150 plus 1. `list` tracks what the conversation holds (`n` numbers the next message).
 */
export function everyKindOfWrite(
  store: ConversationStore,
  u: string,
  c: string,
  list: { messages: Message[]; n: number },
): (() => Promise<unknown>)[] {
  const upsert = (messages: Message[]) => store.upsert({ id: c, userId: u, messages: (list.messages = messages) });
  return [
    () => store.append(u, c, [msg(list.n++)], { usage: { outputTokens: 1 } }),
    () => store.append(u, c, [msg(list.n++), msg(list.n++)]),
    () => store.update(u, c, { title: `t${list.n}` }),
    () => upsert([...list.messages.slice(0, -3), ...range(list.n, (list.n += 12))]),
    () => store.append(u, c, range(list.n, (list.n += 7))),
    () => upsert([...list.messages.slice(0, 150), msg(list.n++)]),
  ];
}

/** Warnings a store logged. */
export interface Captured {
  warnings: string[];
}

/** A store over the test server with fast retries; warnings are captured. */
export function storeFor(
  server: AgentStateTestServer,
  options: Partial<AgentStateStoreOptions> = {},
): ReturnType<typeof createAgentStateStore> & Captured {
  const warnings: string[] = [];
  const store = createAgentStateStore({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    retryDelayMs: 5,
    logger: { warn: (m) => warnings.push(m) },
    ...options,
  });
  return Object.assign(store, { warnings });
}

/** Requests the server logged since `from`, as "METHOD /path" strings. */
export function since(server: AgentStateTestServer, from: number): string[] {
  return server.requests
    .slice(from)
    .map(
      (r) =>
        `${r.method} ${r.path.replace(/\/v1\/conversations\/(by-external-id\/)?[^/]+/, '/v1/conversations/$1:id')}`,
    );
}

/** Runs four kinds of write on a new conversation and checks that each returns exactly what get and list return afterwards. */
export async function expectWritesReadBack(store: ConversationStore, u: string, c: string): Promise<void> {
  const writes = [
    () => store.upsert({ id: c, userId: u, messages: turns(7) }),
    () => store.append(u, c, [text('user', 'plain')]),
    () => store.update(u, c, { title: 'Renamed' }),
    () => store.append(u, c, [text('user', 'usage')], { usage: { outputTokens: 2 } }),
  ];
  for (const write of writes) {
    const meta = await write();
    const { messages, ...got } = (await store.get(u, c))!;
    expect(messages).toHaveLength(meta.messageCount);
    expect(got).toEqual(meta);
    expect((await store.list(u)).items).toEqual([meta]);
  }
}
