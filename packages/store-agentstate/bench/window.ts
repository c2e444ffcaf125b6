/**
 * Message windows against the local AgentState test server, in one warm process: the newest 50 messages of a
 * 10,000-message conversation vs. all of a 50-message conversation (`get`), the two interleaved round by round so
 * machine load hits both alike. Prints requests, the median times and their ratio (issue 17's goal: at most 1.3), then
 * the floor of any window that reads the row (see `floor`). A last line repeats it through a fetch that waits a
 * modelled network round trip before each request (the local server answers in a millisecond or two; the hosted API is
 * a network hop away): information, not the goal's figure.
 */
import type { ConversationStore } from '@agent-conversations/core';
import { createAgentStateStore } from '../src/index.js';
import { startBenchServer, turns } from './local-server.js';

const ROUNDS = 40;
const RTT_MS = 20;

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

/** Interleaved rounds of the newest window and the whole get; medians, the last call's request counts and the check. */
async function measure(s: ConversationStore) {
  const newest = () => s.window!(user, 'long', { limit: 50 });
  const all = () => s.get(user, 'short');
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
  return { window: median(win), get: median(base), requests };
}

const local = await measure(store);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const remote = await measure(
  createAgentStateStore({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    fetch: async (input, init) => {
      await wait(RTT_MS);
      return globalThis.fetch(input, init);
    },
  }),
);
/**
 * The floor for any window that reads the row (the one place the summary and the counters live): the row and exactly the
 * newest 50 entries, two raw requests sent together (the id 51 entries back taken from the server's own state, which no
 * client knows), against the one raw request `get` makes for the 50-message conversation. Both sides parse the JSON.
 */
async function floor(): Promise<{ pair: number; one: number }> {
  // The bench stores two conversations: the long one and the 50-message one.
  const [shortRow, longRow] = [...server.state.conversations.values()].sort(
    (a, b) => a.messages.length - b.messages.length,
  );
  if (!shortRow || !longRow) throw new Error('the bench conversations are missing');
  const after = longRow.messages[longRow.messages.length - 51]!.id;
  const api = (path: string) =>
    fetch(`${server.baseUrl}/v1/${path}`, { headers: { authorization: `Bearer ${server.apiKey}` } }).then(async (r) =>
      r.ok ? ((await r.json()) as unknown) : Promise.reject(new Error(`${path}: ${r.status}`)),
    );
  const pair = () =>
    Promise.all([
      api(`conversations/${longRow.id}?fields=!messages`),
      api(`conversations/${longRow.id}/messages?after=${after}&limit=50`),
    ]);
  const one = () => api(`conversations/by-external-id/${encodeURIComponent(shortRow.external_id!)}`);
  const pairs: number[] = [];
  const ones: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    pairs.push((await timed(pair)).ms);
    ones.push((await timed(one)).ms);
  }
  return { pair: median(pairs), one: median(ones) };
}

const ratio = local.window / local.get;
const least = await floor();
console.log(`AgentState message window (local test server, warm process, ${ROUNDS} interleaved rounds, medians)\n`);
console.log(`newest 50 of 10,000 messages (window): ${local.window.toFixed(2)} ms, ${local.requests.window} requests`);
console.log(`all of a 50-message conversation (get): ${local.get.toFixed(2)} ms, ${local.requests.get} request`);
console.log(`ratio ${ratio.toFixed(2)} (goal <= 1.3: ${ratio <= 1.3 ? 'met' : 'NOT met'})`);
console.log(
  `floor, any window that reads the row: row + exactly the newest 50 entries, two raw requests together, ${least.pair.toFixed(2)} ms;` +
    ` get's one raw request ${least.one.toFixed(2)} ms; ratio ${(least.pair / least.one).toFixed(2)}`,
);
console.log(
  `\nwith a modelled ${RTT_MS} ms round trip per request (information only): window ${remote.window.toFixed(2)} ms,` +
    ` get ${remote.get.toFixed(2)} ms, ratio ${(remote.window / remote.get).toFixed(2)}`,
);
console.log(
  '\nThe window is two requests sent together: the row (its summary says where to start reading) and the entries after',
);
console.log(
  'the anchor this process last saw, used only when the row carries the same anchor. With no network in between there',
);
console.log(
  'is no latency to overlap: the row is a second request on top of the messages (the floor above), and the page holds',
);
console.log('the 100-odd entries after the anchor, about twice what get reads.');
await server.close();
