import type { StoreAdapter } from '@agent-conversations/core';
import { createBrowserStore } from './browser-store.js';
import { storageProblem } from './storage.js';

/** The `local` adapter for the resolver: localStorage in the browser; reports why it is not usable where there is none (server code). */
export const browserAdapter: StoreAdapter<'local'> = {
  kind: 'local',
  packageName: '@agent-conversations/store-browser',
  isConfigured: () => storageProblem() ?? true,
  create: () => createBrowserStore(),
};
