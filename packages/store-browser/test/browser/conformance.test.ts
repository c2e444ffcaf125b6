import { modelSettings, runConformanceSuite } from '@agent-conversations/conformance';
import { createBrowserStore } from '../../src/index.js';
import { rawKey, rawMessages } from './raw.js';

const namespace = 'conformance';

runConformanceSuite({
  name: 'local (localStorage in Chromium)',
  // Each check starts from an empty origin: the 1 MB checks alone would fill the quota otherwise.
  createStore: () => {
    localStorage.clear();
    return createBrowserStore({ namespace });
  },
  // A second instance over the same localStorage, as another part of the app would create.
  createPeerStore: () => createBrowserStore({ namespace }),
  // CI and CONFORMANCE_* come in through import.meta.env (see vitest.config.ts).
  model: modelSettings({}, (import.meta as unknown as { env: Record<string, unknown> }).env),
  inspect: {
    messages: async (userId, id) => rawMessages(namespace, userId, id),
    exists: async (userId, id) => localStorage.getItem(rawKey(namespace, userId, id)) !== null,
  },
  // Not strict: the store has no listUsers (surface.list-users is skipped, and the summary says so), and no io hook:
  // Web Storage is synchronous, so each call's reads and writes run in one synchronous section under the tab lock and
  // there is no await on storage to make a scheduling point (model.interleavings is skipped, and the summary says so).
  // Every other check runs in full.
});
