// Message windows inside workerd: the newest 50 of 10,000 messages (and 50 from the middle, with a cursor) vs get of a whole
// 50-message conversation, interleaved in one request (first mover alternating) so drift hits both alike. Goal: ratio <= 1.3.
import { encodeWindowCursor, type ConversationStore, type Message } from '@agent-conversations/core';

/** Users seeded by an earlier request of the same run (the isolate lives through it), per backend. */
const seeded = new Map<string, string>();

/** Mean ms per call over `rounds` blocks of `perRound` calls of each: window of the newest 50 of 10,000, window of 50 before
 * position 5,000, and get of a 50-message conversation, each over 2 users' conversations (one long and one short each). */
export async function timeWindows(
  store: ConversationStore,
  backend: string,
  messages: (n: number) => Message[],
  rounds: number,
  perRound = 10,
): Promise<{ msPerNewest: number; msPerOlder: number; msPerGet: number }> {
  let tag = seeded.get(backend);
  if (!tag) {
    tag = crypto.randomUUID();
    for (let k = 0; k < 2; k++) {
      await store.upsert({ id: 'long', userId: `bench-window-${k}-${tag}`, messages: messages(10_000) });
      await store.upsert({ id: 'short', userId: `bench-window-${k}-${tag}`, messages: messages(50) });
    }
    seeded.set(backend, tag);
  }
  const userOf = (i: number) => `bench-window-${i % 2}-${tag}`;
  const before = encodeWindowCursor(5_000);
  const contenders: Record<'newest' | 'older' | 'get', (i: number) => Promise<unknown>> = {
    newest: (i) => store.window!(userOf(i), 'long', { limit: 50 }),
    older: (i) => store.window!(userOf(i), 'long', { limit: 50, before }),
    get: (i) => store.get(userOf(i), 'short'),
  };
  const totals = { newest: 0, older: 0, get: 0 };
  for (let r = 0; r <= rounds; r++) {
    const order = Object.entries(contenders) as [keyof typeof totals, (i: number) => Promise<unknown>][];
    if (r % 2) order.reverse();
    for (const [name, call] of order) {
      const start = Date.now();
      for (let i = 0; i < perRound; i++) await call(i);
      if (r > 0) totals[name] += Date.now() - start; // round 0 warms up
    }
  }
  const calls = rounds * perRound;
  return { msPerNewest: totals.newest / calls, msPerOlder: totals.older / calls, msPerGet: totals.get / calls };
}
