/**
 * Requests per turn against the local AgentState test server, in one run: the goal is that an append to a
 * conversation of 1,000 messages makes the same number of requests as one of 10 (ratio 1.00). Wall time is printed
 * for information; it grows with size because the write reads the conversation's entries (one request, more bytes).
 */
import type { Message } from '@agent-conversations/core';
import { createAgentStateStore } from '../src/index.js';
import { startAgentStateServer } from '../test/server/agentstate-server.js';

const ROUNDS = 5;

function turns(count: number, label: string): Message[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${label}-${i}`, role: i % 2 ? 'assistant' : 'user', parts: [{ type: 'text', text: `message ${i} of a realistic chat turn with a few words` }] }));
}

const server = await startAgentStateServer({ rateLimit: Number.MAX_SAFE_INTEGER });
const store = createAgentStateStore({ apiKey: server.apiKey, baseUrl: server.baseUrl });

async function measure(label: string, size: number, op: (userId: string, id: string, round: number, base: Message[]) => Promise<unknown>): Promise<{ requests: number; ms: number }> {
  let requests = 0;
  let ms = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const [userId, id] = [`bench-${label}-${size}-${round}`, `c-${round}`];
    const base = turns(size, `${label}${round}`);
    await store.upsert({ id, userId, messages: base });
    const from = server.requests.length;
    const start = performance.now();
    await op(userId, id, round, base);
    ms += performance.now() - start;
    requests += server.requests.length - from;
  }
  return { requests: requests / ROUNDS, ms: ms / ROUNDS };
}

const next = (round: number): Message => ({ id: `next-${round}`, role: 'user', parts: [{ type: 'text', text: 'one more question' }] });
const cases: [string, (userId: string, id: string, round: number, base: Message[]) => Promise<unknown>][] = [
  ['append', (u, c, r) => store.append(u, c, [next(r)], { usage: { inputTokens: 10 } })],
  ['upsert (extend)', (u, c, r, base) => store.upsert({ id: c, userId: u, messages: [...base, next(r)] })],
  ['upsert (rewrite last)', (u, c, r, base) => store.upsert({ id: c, userId: u, messages: [...base.slice(0, -1), next(r)] })],
  ['get', (u, c) => store.get(u, c)],
];

// Warm up the connection and the JIT so the first measured case is not penalised.
await measure('warmup', 10, (u, c) => store.get(u, c));

console.log(`AgentState store, requests per call (mean of ${ROUNDS} rounds, local test server)\n`);
console.log(['operation'.padEnd(24), 'req@10', 'req@1000', 'ratio', 'ms@10', 'ms@1000'].join('\t'));
for (const [label, op] of cases) {
  const small = await measure(label, 10, op);
  const large = await measure(label, 1000, op);
  console.log([label.padEnd(24), small.requests, large.requests, (large.requests / small.requests).toFixed(2), small.ms.toFixed(1), large.ms.toFixed(1)].join('\t'));
}

const lister = 'bench-list-user';
for (let i = 0; i < 120; i++) await store.upsert({ id: `l-${i}`, userId: lister, messages: turns(2, `l${i}`) });
const from = server.requests.length;
const page = await store.list(lister, { limit: 50 });
console.log(`\nlist: ${server.requests.length - from} request(s) for a page of ${page.items.length} of the user's 120 conversations (no request per conversation)`);

await server.close();
