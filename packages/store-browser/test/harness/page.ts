// Bundled by esbuild and served to Chromium pages driven from Node (cross-tab tests, benchmark).
import { createMemoryStore } from '@agent-conversations/core';
import { createBrowserStore, importLocalHistory, type StorageLike } from '../../src/index.js';

/** localStorage, except that writing the index never happens: it logs `between-writes` and hangs the tab until it is killed. */
function hangAtIndexWrite(): StorageLike {
  const mutate = (key: string, apply: () => void): void => {
    if (!key.endsWith(':index')) return apply();
    console.log('between-writes');
    for (;;) {
      // Busy: the test crashes this renderer here, between two writes of one call.
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
const benchMessage = (i: number, c: number) => ({ id: `m${i}`, role: i % 2 ? 'assistant' : 'user', parts: [{ type: 'text', text: `message ${i} of ${c}: ${'lorem ipsum '.repeat(22)}` }] });

/** Benchmark scenario: `conversations` conversations of `length` messages, then `appends` single-message appends to one of them. */
async function measureAppends(conversations: number, length: number, appends: number): Promise<{ charsPerAppend: number; msPerAppend: number }> {
  localStorage.clear();
  const storage = countingStorage();
  const store = createBrowserStore({ storage, crossTab: true });
  for (let c = 0; c < conversations; c++) await store.upsert({ id: `c${c}`, userId: 'u', messages: Array.from({ length }, (_, i) => benchMessage(i, c)) });
  storage.written = 0;
  const start = performance.now();
  for (let i = 0; i < appends; i++) await store.append('u', 'c0', [benchMessage(length + i, 0)]);
  const ms = performance.now() - start;
  localStorage.clear();
  return { charsPerAppend: storage.written / appends, msPerAppend: ms / appends };
}

const harness = { createBrowserStore, importLocalHistory, createMemoryStore, hangAtIndexWrite, countingStorage, measureAppends, changes: [] as unknown[] };

/** What the page exposes as `window.harness`. */
export type Harness = typeof harness;

declare global {
  interface Window {
    harness: Harness;
  }
}

window.harness = harness;
