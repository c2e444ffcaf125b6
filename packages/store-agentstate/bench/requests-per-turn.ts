/**
 * Requests per call against the local AgentState test server (which answers like the genuine one: 5 messages per
 * request, unordered batches), in one warm process, for conversations of 10 and 1,000 messages. Prints each count next
 * to the goal. Wall times are printed for information only.
 */
import type { Message } from '@agent-conversations/core';
import { startBenchServer, turns } from './local-server.js';

const ROUNDS = 3;

const { server, store } = await startBenchServer();

type Op = (userId: string, id: string, round: number, base: Message[]) => Promise<unknown>;

async function measure(label: string, size: number, op: Op): Promise<{ requests: number; ms: number }> {
  let requests = 0;
  let ms = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const [userId, id] = [`bench-${label}-${size}-${round}`, `c-${round}`];
    const base = turns(size, `${label}${round}`);
    await store.upsert({ id, userId, messages: base.slice(0, -1) });
    // One turn before the measured call: a conversation in steady state (the first append after a create of more than 400
    // messages also moves the window anchor up, measured on its own line below).
    await store.append(userId, id, base.slice(-1));
    const from = server.requests.length;
    const start = performance.now();
    await op(userId, id, round, base);
    ms += performance.now() - start;
    requests += server.requests.length - from;
  }
  return { requests: requests / ROUNDS, ms: ms / ROUNDS };
}

const next = (round: number, n = 1): Message[] => turns(n, `next-${round}`);
// [operation, goal from the issue (or null), op]
const cases: [string, number | null, Op][] = [
  ['append 1 message', 1, (u, c, r) => store.append(u, c, next(r))],
  ['append 5 messages', 1, (u, c, r) => store.append(u, c, next(r, 5))],
  [
    'upsert, prefix unchanged, +1',
    2,
    (u, c, r, base) => store.upsert({ id: c, userId: u, messages: [...base, ...next(r)] }),
  ],
  [
    'upsert, prefix unchanged, +5',
    2,
    (u, c, r, base) => store.upsert({ id: c, userId: u, messages: [...base, ...next(r, 5)] }),
  ],
  ['get', 1, (u, c) => store.get(u, c)],
  ['update title', 1, (u, c) => store.update(u, c, { title: 'Renamed' })],
  ['append 1 with usage delta', null, (u, c, r) => store.append(u, c, next(r), { usage: { inputTokens: 10 } })],
  [
    'upsert, last message rewritten',
    null,
    (u, c, r, base) => store.upsert({ id: c, userId: u, messages: [...base.slice(0, -1), ...next(r)] }),
  ],
  [
    'upsert, +12 messages',
    null,
    (u, c, r, base) => store.upsert({ id: c, userId: u, messages: [...base, ...next(r, 12)] }),
  ],
  ['delete', null, (u, c) => store.delete(u, c)],
  ['window, newest 50', null, (u, c) => store.window!(u, c, { limit: 50 })],
];

await measure('warmup', 10, (u, c) => store.get(u, c));

console.log(`AgentState store: HTTP requests per call (mean of ${ROUNDS} rounds, warm process, local test server)\n`);
console.log(['operation'.padEnd(32), 'goal', 'req@10', 'req@1000', 'met', 'ms@10', 'ms@1000'].join('\t'));
for (const [label, goal, op] of cases) {
  const small = await measure(label, 10, op);
  const large = await measure(label, 1000, op);
  const met = goal === null ? '-' : Math.max(small.requests, large.requests) <= goal ? 'yes' : 'NO';
  console.log(
    [label.padEnd(32), goal ?? '-', small.requests, large.requests, met, small.ms.toFixed(1), large.ms.toFixed(1)].join(
      '\t',
    ),
  );
}

const lister = 'bench-list-user';
for (let i = 0; i < 120; i++) await store.upsert({ id: `l-${i}`, userId: lister, messages: turns(2, `l${i}`) });
for (let i = 0; i < 30; i++) await store.append(lister, `l-${i}`, turns(1, `la${i}`));
let from = server.requests.length;
const page = await store.list(lister, { limit: 50 });
const listRequests = server.requests.length - from;
console.log(
  `\nlist page: ${listRequests} request(s) for ${page.items.length} of the user's 120 conversations, 30 of them appended to since their last summary (goal 1: ${listRequests <= 1 ? 'yes' : 'NO'})`,
);
from = server.requests.length;
await store.upsert({ id: 'new', userId: lister, messages: turns(3, 'new') });
console.log(`create with 3 messages: ${server.requests.length - from} requests (read, create, tag, post)`);
await store.upsert({ id: 'big', userId: lister, messages: turns(1000, 'big') });
from = server.requests.length;
await store.append(lister, 'big', turns(1, 'big-next'));
console.log(
  `first plain append after a 1,000-message create: ${server.requests.length - from} requests (read, summary, post: moves the window anchor up; once per 400 messages)`,
);
console.log('\nRate budget: AgentState allows 100 requests a minute per key, shared by all users of the app:');
console.log(
  '  2 requests per chat turn (plain append or unchanged-prefix upsert) = 50 turns a minute; 3 requests = 33.',
);
console.log(
  '\nWhy not 1: POST .../messages answers only the stored messages and PUT a fresh clock reading, not the stored',
);
console.log(
  'updated_at; neither says the version, count, usage or title a write must return, and nothing checks message ids.',
);

await server.close();
