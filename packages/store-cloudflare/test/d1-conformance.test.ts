import { modelSettings, runConformanceSuite } from '@agent-conversations/conformance';
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { createD1Store } from '../src/index.js';
import { gatedD1 } from './gated.js';
import { d1Exists, d1Messages } from './helpers.js';

runConformanceSuite({
  name: 'd1',
  // The SQL files wrangler applies (migrations/*.sql), not the in-code copy.
  setup: () => applyD1Migrations(env.CONVERSATIONS_D1, env.TEST_MIGRATIONS),
  createStore: () => createD1Store({ binding: env.CONVERSATIONS_D1 }),
  createPeerStore: () => createD1Store({ binding: env.CONVERSATIONS_D1 }),
  inspect: {
    messages: (userId, id) => d1Messages(env.CONVERSATIONS_D1, userId, id),
    exists: (userId, id) => d1Exists(env.CONVERSATIONS_D1, userId, id),
  },
  // The I/O hook: the binding's statements await the gate before each round trip to D1.
  // CI and CONFORMANCE_* come in as bindings (see vitest.workers.config.ts).
  model: modelSettings({}, env as unknown as Record<string, unknown>),
  io: { createStore: (gate) => createD1Store({ binding: gatedD1(env.CONVERSATIONS_D1, gate) }) },
  // Every check runs in full: a skipped or weakened one fails the run.
  strict: true,
});
