import type { Message } from '@agent-conversations/core';
import { createAgentStateStore, type AgentStateStoreOptions } from '../src/index.js';
import type { AgentStateTestServer } from './server/agentstate-server.js';

let counter = 0;

/** A unique id for this test run. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}

/** An AI SDK-style text message. */
export function text(role: 'user' | 'assistant', words: string, id = uid('m')): Message {
  return { id, role, parts: [{ type: 'text', text: words }] };
}

/** N alternating user/assistant messages. */
export function turns(count: number): Message[] {
  return Array.from({ length: count }, (_, i) => text(i % 2 ? 'assistant' : 'user', `message ${i}`));
}

/** Warnings a store logged. */
export interface Captured {
  warnings: string[];
}

/** A store over the test server with fast retries; warnings are captured. */
export function storeFor(server: AgentStateTestServer, options: Partial<AgentStateStoreOptions> = {}): ReturnType<typeof createAgentStateStore> & Captured {
  const warnings: string[] = [];
  const store = createAgentStateStore({ apiKey: server.apiKey, baseUrl: server.baseUrl, retryDelayMs: 5, logger: { warn: (m) => warnings.push(m) }, ...options });
  return Object.assign(store, { warnings });
}

/** Requests the server logged since `from`, as "METHOD /path" strings. */
export function since(server: AgentStateTestServer, from: number): string[] {
  return server.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/\/v1\/conversations\/(by-external-id\/)?[^/]+/, '/v1/conversations/$1:id')}`);
}
