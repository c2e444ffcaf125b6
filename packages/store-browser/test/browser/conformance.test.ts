import { modelSettings, runConformanceSuite, type IoGate } from '@agent-conversations/conformance';
import { createBrowserStore, type LockManagerLike } from '../../src/index.js';
import { rawKey, rawMessages } from './raw.js';

const namespace = 'conformance';

/** navigator.locks, except that each write's lock request first awaits the gate: the order in which writes enter is explored. */
function gatedLocks(gate: IoGate): LockManagerLike {
  return {
    request: (async (name: string, ...rest: [() => Promise<unknown>]) => {
      if (rest.length === 1) await gate(`lock ${name}`); // the write lock; the shared marker locks pass straight through
      return navigator.locks.request(name, ...(rest as [() => Promise<unknown>]));
    }) as LockManagerLike['request'],
    query: () => navigator.locks.query(),
  };
}

runConformanceSuite({
  name: 'local (localStorage in Chromium)',
  // Each check starts from an empty origin: the 1 MB checks alone would fill the quota otherwise.
  createStore: () => {
    localStorage.clear();
    return createBrowserStore({ namespace });
  },
  // A second instance over the same localStorage, as another part of the app would create.
  createPeerStore: () => createBrowserStore({ namespace }),
  // Web Storage is synchronous: each call reads and writes in one synchronous section, a write under the tab lock. The only
  // await on the way to storage is that lock, so the hook gates each write's lock request (reads take no lock and run at once).
  io: {
    createStore: (gate) => {
      localStorage.clear();
      return createBrowserStore({ namespace, locks: gatedLocks(gate) });
    },
    createPeerStore: (gate) => createBrowserStore({ namespace, locks: gatedLocks(gate) }),
  },
  // CI and CONFORMANCE_* come in through import.meta.env (see vitest.config.ts).
  model: modelSettings({}, (import.meta as unknown as { env: Record<string, unknown> }).env),
  inspect: {
    messages: async (userId, id) => rawMessages(namespace, userId, id),
    exists: async (userId, id) => localStorage.getItem(rawKey(namespace, userId, id)) !== null,
  },
  // Not strict: the store has no listUsers (surface.list-users is skipped, and the summary says so). Every other check runs in full.
});
