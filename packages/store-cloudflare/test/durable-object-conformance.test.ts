import { runConformanceSuite } from '@agent-conversations/conformance';
import { env } from 'cloudflare:workers';
import { createDurableObjectStore } from '../src/index.js';
import { doExists, doMessages } from './helpers.js';

runConformanceSuite({
  name: 'durable-object',
  createStore: () => createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO }),
  createPeerStore: () => createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO }),
  inspect: { messages: doMessages, exists: doExists },
  // Not strict: a conversation lives in its own Durable Object, so the store cannot list users (surface.list-users
  // is skipped, and the summary says so); every other check runs in full.
});
