/**
 * Message windows against the local AgentState test server, in one warm process: the newest 50 messages of a
 * 10,000-message conversation vs. all of a 50-message conversation (`get`), the two interleaved round by round so
 * machine load hits both alike. Prints requests, the median times and their ratio (issue 17's goal: at most 1.3).
 */
import { startBenchServer, turns } from './local-server.js';

const ROUNDS = 40;

const { server, store } = await startBenchServer();
const user = 'bench-window';

// The long conversation: 10,000 messages, then one agent step that records its usage (a write that stores the summary,
// and with it where windows start reading).
const long = turns(9_999, 'long');
await store.upsert({ id: 'long', userId: user, messages: long });
await store.append(user, 'long', turns(1, 'step'), { usage: { inputTokens: 1200, outputTokens: 80 } });
await store.upsert({ id: 'short', userId: user, messages: turns(50, 'short') });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(op: () => Promise<unknown>): Promise<{ ms: number; requests: number }> {
  const from = server.requests.length;
  const start = performance.now();
  await op();
  return { ms: performance.now() - start, requests: server.requests.length - from };
}

const newest = () => store.window!(user, 'long', { limit: 50 });
const all = () => store.get(user, 'short');
for (let i = 0; i < 5; i++) await Promise.all([newest(), all()]);
const win: number[] = [];
const base: number[] = [];
const requests = { window: 0, get: 0 };
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [newest, all] : [all, newest];
  for (const op of order) {
    const { ms, requests: n } = await timed(op);
    if (op === newest) [win[win.length], requests.window] = [ms, n];
    else [base[base.length], requests.get] = [ms, n];
  }
}
const check = await newest();
if (check?.messages.length !== 50 || check.messages[49]?.id !== 'step-0')
  throw new Error('the window is not the newest 50 messages');
const ratio = median(win) / median(base);
console.log(`AgentState message window (local test server, warm process, ${ROUNDS} interleaved rounds, medians)\n`);
console.log(`newest 50 of 10,000 messages (window): ${median(win).toFixed(2)} ms, ${requests.window} requests`);
console.log(`all of a 50-message conversation (get): ${median(base).toFixed(2)} ms, ${requests.get} request`);
console.log(`ratio ${ratio.toFixed(2)} (goal <= 1.3: ${ratio <= 1.3 ? 'met' : 'NOT met'})`);
console.log(
  '\nThe window is two requests: the row (its summary says where to start reading) and the entries after that',
);
console.log(
  'point; the messages endpoint pages forward only (after=<message id>), so one request cannot reach the newest 50.',
);
await server.close();
