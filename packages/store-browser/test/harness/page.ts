// Bundled by esbuild and served to Chromium pages driven from Node (cross-tab tests, benchmark).
import { createMemoryStore } from '@agent-conversations/core';
import { createBrowserStore, importLocalHistory, type StorageLike } from '../../src/index.js';

/** localStorage, except that changing a conversation's key never happens: it logs `at-write` and hangs the tab until it is killed. */
function hangAtEntryWrite(): StorageLike {
  const mutate = (key: string, apply: () => void): void => {
    if (!key.includes(':c:')) return apply();
    console.log('at-write');
    for (;;) {
      // Busy: the test crashes this renderer here, in the middle of a call.
    }
  };
  return {
    get length() {
      return localStorage.length;
    },
    key: (i) => localStorage.key(i),
    getItem: (k) => localStorage.getItem(k),
    setItem: (k, v) => mutate(k, () => localStorage.setItem(k, v)),
    removeItem: (k) => mutate(k, () => localStorage.removeItem(k)),
  };
}

/** localStorage, counting the characters of every key and value written. */
function countingStorage(): StorageLike & { written: number } {
  const counter = {
    written: 0,
    get length() {
      return localStorage.length;
    },
    key: (i: number) => localStorage.key(i),
    getItem: (k: string) => localStorage.getItem(k),
    setItem: (k: string, v: string) => {
      counter.written += k.length + v.length;
      localStorage.setItem(k, v);
    },
    removeItem: (k: string) => {
      counter.written += k.length;
      localStorage.removeItem(k);
    },
  };
  return counter;
}

/** About 300 characters, like a short AI SDK text message. */
const benchMessage = (i: number, c: number) => ({
  id: `m${i}`,
  role: i % 2 ? 'assistant' : 'user',
  parts: [{ type: 'text', text: `message ${i} of ${c}: ${'lorem ipsum '.repeat(22)}` }],
});

/** Benchmark scenario: `conversations` conversations of `length` messages, then `appends` single-message appends to one of them. */
async function measureAppends(
  conversations: number,
  length: number,
  appends: number,
): Promise<{ charsPerAppend: number; msPerAppend: number }> {
  localStorage.clear();
  const storage = countingStorage();
  const store = createBrowserStore({ storage, crossTab: true });
  for (let c = 0; c < conversations; c++)
    await store.upsert({ id: `c${c}`, userId: 'u', messages: Array.from({ length }, (_, i) => benchMessage(i, c)) });
  storage.written = 0;
  const start = performance.now();
  for (let i = 0; i < appends; i++) await store.append('u', 'c0', [benchMessage(length + i, 0)]);
  const ms = performance.now() - start;
  localStorage.clear();
  return { charsPerAppend: storage.written / appends, msPerAppend: ms / appends };
}

/** Benchmark scenario: the save of a turn (2 new messages) to a conversation of `length`, as an upsert of the whole list (the AI
 * SDK's onFinish) and as an append of the 2, interleaved over `rounds` rounds of `perRound` saves each (first mover alternating).
 * Each round starts both conversations again at `length` messages (untimed), so the lengths stay near `length`. Reports the
 * median save of each, so a burst of load on the shared machine does not decide the ratio. */
async function measureSaves(
  length: number,
  rounds: number,
  perRound: number,
): Promise<{ msPerUpsert: number; msPerAppend: number }> {
  localStorage.clear();
  const store = createBrowserStore({ crossTab: true });
  let list: ReturnType<typeof benchMessage>[] = [];
  let next = length;
  const turn = () => [benchMessage(next++, 0), benchMessage(next++, 0)];
  const contenders = {
    upsert: () => {
      list.push(...turn());
      return store.upsert({ id: 'upserted', userId: 'u', messages: list });
    },
    append: () => store.append('u', 'appended', turn()),
  };
  const samples = { upsert: [] as number[], append: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    list = Array.from({ length }, (_, i) => benchMessage(i, 0));
    next = length;
    await store.upsert({ id: 'upserted', userId: 'u', messages: list });
    await store.upsert({ id: 'appended', userId: 'u', messages: list });
    const order = Object.entries(contenders) as [keyof typeof samples, () => Promise<unknown>][];
    if (r % 2) order.reverse();
    for (let k = 0; k < perRound; k++) {
      for (const [name, save] of order) {
        const start = performance.now();
        await save();
        samples[name].push(performance.now() - start);
      }
    }
  }
  localStorage.clear();
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return { msPerUpsert: median(samples.upsert), msPerAppend: median(samples.append) };
}

/** Benchmark scenario: the newest 50 messages of a `long` conversation (`window`) vs. all of a 50-message one (`get`), interleaved. */
async function measureWindows(long: number, rounds: number): Promise<{ msPerWindow: number; msPerGet: number }> {
  localStorage.clear();
  const store = createBrowserStore({ crossTab: true });
  // About 120 characters a message, so 10,000 of them fit the origin's quota.
  const short = (i: number) => ({
    id: `m${i}`,
    role: i % 2 ? 'assistant' : 'user',
    parts: [{ type: 'text', text: `message ${i}: ${'lorem ipsum '.repeat(7)}` }],
  });
  await store.upsert({ id: 'long', userId: 'u', messages: Array.from({ length: long }, (_, i) => short(i)) });
  await store.upsert({ id: 'short', userId: 'u', messages: Array.from({ length: 50 }, (_, i) => short(i)) });
  const totals = { window: 0, get: 0 };
  const contenders = { window: () => store.window('u', 'long', { limit: 50 }), get: () => store.get('u', 'short') };
  for (let r = 0; r < rounds; r++) {
    const order = Object.entries(contenders) as [keyof typeof totals, () => Promise<unknown>][];
    if (r % 2) order.reverse();
    for (const [name, load] of order) {
      const start = performance.now();
      for (let k = 0; k < 10; k++) await load(); // ten at a time: one get of 50 is near the timer's resolution
      totals[name] += performance.now() - start;
    }
  }
  localStorage.clear();
  return { msPerWindow: totals.window / rounds / 10, msPerGet: totals.get / rounds / 10 };
}

const harness = {
  createBrowserStore,
  importLocalHistory,
  createMemoryStore,
  hangAtEntryWrite,
  countingStorage,
  measureAppends,
  measureSaves,
  measureWindows,
  changes: [] as unknown[],
};

/** What the page exposes as `window.harness`. */
export type Harness = typeof harness;

declare global {
  interface Window {
    harness: Harness;
  }
}

window.harness = harness;
