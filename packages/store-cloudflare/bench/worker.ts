// Benchmark Worker: times append at conversation length 10 and 1,000 on D1 and on the Durable Object, inside workerd.
import type { ConversationStore, Message } from '@agent-conversations/core';
import { createD1Store, createDurableObjectStore, migrateD1 } from '../src/index.js';
import type { AgentConversationsDurableObject } from '../src/durable-object.js';

export { AgentConversationsDurableObject } from '../src/durable-object.js';

interface Env {
  CONVERSATIONS_D1: D1Database;
  AGENT_CONVERSATIONS_DO: DurableObjectNamespace<AgentConversationsDurableObject>;
}

/** A typical AI SDK turn: a user question or an assistant answer with a tool call (about 600 bytes as JSON). */
function message(i: number): Message {
  return i % 2 === 0
    ? { id: `m${i}`, role: 'user', parts: [{ type: 'text', text: `Question ${i}: what is the weather like in Paris this weekend, and should I pack an umbrella?` }] }
    : {
        id: `m${i}`,
        role: 'assistant',
        metadata: { model: 'bench-model', createdAt: 1_700_000_000_000 + i },
        parts: [
          { type: 'step-start' },
          { type: 'tool-weather', toolCallId: `call_${i}`, state: 'output-available', input: { city: 'Paris' }, output: { tempC: 21.5, rain: 0.3 } },
          { type: 'text', text: `Answer ${i}: mild, around 21°C with a chance of showers on Sunday; a light umbrella is a good idea.`, state: 'done' },
        ],
      };
}

const range = (from: number, n: number): Message[] => Array.from({ length: n }, (_, i) => message(from + i));

/** Mean ms per append over `conversations` x `rounds` appends of one message to conversations of `length` messages. */
async function timeAppends(store: ConversationStore, userOf: (c: number) => string, length: number, conversations: number, rounds: number): Promise<number> {
  const tag = crypto.randomUUID();
  for (let c = 0; c < conversations; c++) await store.upsert({ id: `c${c}`, userId: userOf(c) + tag, messages: range(0, length) });
  await store.append(userOf(0) + tag, 'c0', range(length, 1)); // warm-up
  const start = Date.now();
  for (let r = 1; r <= rounds; r++) {
    for (let c = 0; c < conversations; c++) await store.append(userOf(c) + tag, `c${c}`, range(length + r + 1, 1), { usage: { inputTokens: 10 } });
  }
  return (Date.now() - start) / (conversations * rounds);
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const length = Number(url.searchParams.get('length') ?? 10);
    const conversations = Number(url.searchParams.get('conversations') ?? 10);
    const rounds = Number(url.searchParams.get('rounds') ?? 10);
    if (url.searchParams.get('backend') === 'd1') {
      await migrateD1(env.CONVERSATIONS_D1);
      const store = createD1Store({ binding: env.CONVERSATIONS_D1 });
      return Response.json({ msPerAppend: await timeAppends(store, () => 'bench-user-', length, conversations, rounds) });
    }
    // One object per user, as in production: each conversation belongs to its own user here.
    const store = createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO });
    return Response.json({ msPerAppend: await timeAppends(store, (c) => `bench-user-${c}-`, length, conversations, rounds) });
  },
} satisfies ExportedHandler<Env>;
