import { modelSettings, runConformanceSuite } from '@agent-conversations/conformance';
import { env } from 'cloudflare:workers';
import { createDurableObjectStore } from '../src/index.js';
import { gatedNamespace } from './gated.js';
import { doExists, doMessages } from './helpers.js';

runConformanceSuite({
  name: 'durable-object',
  createStore: () => createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO }),
  createPeerStore: () => createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO }),
  inspect: { messages: doMessages, exists: doExists },
  // The I/O hook: the namespace's stubs await the gate before each RPC call into a user's Durable Object.
  // CI and CONFORMANCE_* come in as bindings (see vitest.workers.config.ts).
  model: modelSettings({}, env as unknown as Record<string, unknown>),
  io: {
    createStore: (gate) => createDurableObjectStore({ namespace: gatedNamespace(env.AGENT_CONVERSATIONS_DO, gate) }),
  },
  // Not strict: a conversation lives in its own Durable Object, so the store cannot list users (surface.list-users
  // is skipped, and the summary says so); every other check runs in full.
});
