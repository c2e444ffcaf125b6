// Benchmark Worker: times append at conversation length 10 and 1,000 on D1 and on the Durable Object, inside workerd.
import { scanInput, type ConversationStore, type Message } from '@agent-conversations/core';
import { createD1Store, createDurableObjectStore, migrateD1 } from '../src/index.js';
import type { AgentConversationsDurableObject } from '../src/durable-object.js';

import { timeFirstUse } from './first-use.js';
import { timeWindows } from './window.js';

export { AgentConversationsDurableObject } from '../src/durable-object.js';
export { FirstUseProbe } from './first-use.js';

interface Env {
  CONVERSATIONS_D1: D1Database;
  AGENT_CONVERSATIONS_DO: DurableObjectNamespace<AgentConversationsDurableObject>;
  FIRST_USE_PROBE: DurableObjectNamespace;
}

/** A typical AI SDK turn: a user question or an assistant answer with a tool call (about 600 bytes as JSON). */
function message(i: number): Message {
  return i % 2 === 0
    ? {
        id: `m${i}`,
        role: 'user',
        parts: [
          {
            type: 'text',
            text: `Question ${i}: what is the weather like in Paris this weekend, and should I pack an umbrella?`,
          },
        ],
      }
    : {
        id: `m${i}`,
        role: 'assistant',
        metadata: { model: 'bench-model', createdAt: 1_700_000_000_000 + i },
        parts: [
          { type: 'step-start' },
          {
            type: 'tool-weather',
            toolCallId: `call_${i}`,
            state: 'output-available',
            input: { city: 'Paris' },
            output: { tempC: 21.5, rain: 0.3 },
          },
          {
            type: 'text',
            text: `Answer ${i}: mild, around 21°C with a chance of showers on Sunday; a light umbrella is a good idea.`,
            state: 'done',
          },
        ],
      };
}

const range = (from: number, n: number): Message[] => Array.from({ length: n }, (_, i) => message(from + i));

/** Conversations seeded by an earlier request of the same run (the isolate lives through the run): each request measures on
 * the same conversations, so seeding 1,000-message conversations happens once per backend and length, not once per sample. */
const seeded = new Map<string, { tag: string; lists: Message[][]; next: number }>();

async function seed(
  store: ConversationStore,
  key: string,
  userOf: (c: number) => string,
  length: number,
  conversations: number,
  prefixes: string[],
) {
  let state = seeded.get(key);
  if (!state) {
    state = { tag: crypto.randomUUID(), lists: [], next: length + 1_000_000 };
    for (let c = 0; c < conversations; c++) {
      state.lists.push(range(0, length));
      for (const prefix of prefixes)
        await store.upsert({ id: `${prefix}${c}`, userId: userOf(c) + state.tag, messages: range(0, length) });
    }
    seeded.set(key, state);
  }
  return state;
}

/** Mean ms per append over `conversations` x `rounds` appends of one message to conversations of about `length` messages. */
async function timeAppends(
  store: ConversationStore,
  key: string,
  userOf: (c: number) => string,
  length: number,
  conversations: number,
  rounds: number,
): Promise<number> {
  const state = await seed(store, key, userOf, length, conversations, ['c']);
  await store.append(userOf(0) + state.tag, 'c0', range(state.next++, 1)); // warm-up
  const start = Date.now();
  for (let r = 1; r <= rounds; r++) {
    for (let c = 0; c < conversations; c++)
      await store.append(userOf(c) + state.tag, `c${c}`, range(state.next++, 1), { usage: { inputTokens: 10 } });
  }
  return (Date.now() - start) / (conversations * rounds);
}

/** Mean ms per save of a turn (2 new messages) to conversations of about `length`: an upsert of the whole list (the AI SDK's
 * onFinish) vs an append of the 2, interleaved round by round (first mover alternating) so drift hits both alike. */
async function timeSaves(
  store: ConversationStore,
  key: string,
  userOf: (c: number) => string,
  length: number,
  conversations: number,
  rounds: number,
): Promise<{ msPerUpsert: number; msPerAppend: number }> {
  const state = await seed(store, key, userOf, length, conversations, ['u', 'a']);
  const upsert = async (c: number) => {
    state.lists[c]!.push(...range(state.next, 2));
    state.next += 2;
    await store.upsert({ id: `u${c}`, userId: userOf(c) + state.tag, messages: state.lists[c]! });
  };
  const append = async (c: number) => {
    await store.append(userOf(c) + state.tag, `a${c}`, range(state.next, 2));
    state.next += 2;
  };
  const totals = { upsert: 0, append: 0 };
  for (let r = 0; r <= rounds; r++) {
    const order: ['upsert' | 'append', (c: number) => Promise<void>][] =
      r % 2
        ? [
            ['append', append],
            ['upsert', upsert],
          ]
        : [
            ['upsert', upsert],
            ['append', append],
          ];
    for (const [name, save] of order) {
      const start = Date.now();
      for (let c = 0; c < conversations; c++) await save(c);
      if (r > 0) totals[name] += Date.now() - start; // round 0 warms up
    }
  }
  return {
    msPerUpsert: totals.upsert / (conversations * rounds),
    msPerAppend: totals.append / (conversations * rounds),
  };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const length = Number(url.searchParams.get('length') ?? 10);
    const conversations = Number(url.searchParams.get('conversations') ?? 10);
    const rounds = Number(url.searchParams.get('rounds') ?? 10);
    if (url.searchParams.get('measure') === 'client') {
      // The client's share of an upsert at this length: validating and fingerprinting the list vs one JSON.stringify of it.
      const list = range(0, length + 2);
      const totals = { scan: 0, stringify: 0 };
      for (let r = 0; r < rounds; r++) {
        let start = performance.now();
        scanInput({ userId: 'u', id: 'c', messages: list });
        totals.scan += performance.now() - start;
        start = performance.now();
        JSON.stringify(list);
        totals.stringify += performance.now() - start;
      }
      return Response.json({ msPerScan: totals.scan / rounds, msPerStringify: totals.stringify / rounds });
    }
    if (url.searchParams.get('measure') === 'first-use') {
      const store = createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO });
      return Response.json(await timeFirstUse(store, env.FIRST_USE_PROBE, rounds));
    }
    if (url.searchParams.get('measure') === 'window') {
      const backend = url.searchParams.get('backend') === 'd1' ? 'd1' : 'durable-object';
      if (backend === 'd1') await migrateD1(env.CONVERSATIONS_D1);
      const store =
        backend === 'd1'
          ? createD1Store({ binding: env.CONVERSATIONS_D1 })
          : createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO });
      return Response.json(await timeWindows(store, backend, (n) => range(0, n), rounds));
    }
    const saves = url.searchParams.get('measure') === 'saves';
    const key = `${url.searchParams.get('backend')}-${length}-${saves ? 'saves' : 'appends'}`;
    const time = (store: ConversationStore, userOf: (c: number) => string) =>
      saves
        ? timeSaves(store, key, userOf, length, conversations, rounds)
        : timeAppends(store, key, userOf, length, conversations, rounds).then((msPerAppend) => ({ msPerAppend }));
    if (url.searchParams.get('backend') === 'd1') {
      await migrateD1(env.CONVERSATIONS_D1);
      return Response.json(await time(createD1Store({ binding: env.CONVERSATIONS_D1 }), () => 'bench-user-'));
    }
    // One object per user, as in production: each conversation belongs to its own user here.
    return Response.json(
      await time(createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO }), (c) => `bench-user-${c}-`),
    );
  },
} satisfies ExportedHandler<Env>;
