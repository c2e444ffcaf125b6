// What the two benches share: the local AgentState test server with a store on it, and the messages they write.
import type { ConversationStore, Message } from '@agent-conversations/core';
import { createAgentStateStore } from '../src/index.js';
import { startAgentStateServer, type AgentStateTestServer } from '../test/server/agentstate-server.js';

/** `count` messages, user and assistant in turn, with ids `${label}-0`, `${label}-1`, … and a realistic line of text. */
export function turns(count: number, label: string): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${label}-${i}`,
    role: i % 2 ? 'assistant' : 'user',
    parts: [{ type: 'text', text: `message ${i} of a realistic chat turn with a few words` }],
  }));
}

/** Starts the local AgentState test server with no rate limit and a store on it; the caller closes the server. */
export async function startBenchServer(): Promise<{ server: AgentStateTestServer; store: ConversationStore }> {
  const server = await startAgentStateServer({ rateLimit: Number.MAX_SAFE_INTEGER });
  return { server, store: createAgentStateStore({ apiKey: server.apiKey, baseUrl: server.baseUrl }) };
}
