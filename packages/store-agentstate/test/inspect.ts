import type { ConformanceInspector } from '@agent-conversations/conformance';
import type { Message } from '@agent-conversations/core';
import { externalId } from '../src/ids.js';
import { fold } from '../src/log.js';
import type { ApiMessage } from '../src/wire.js';
import type { AgentStateTestServer } from './server/agentstate-server.js';
import type { ServerConversation } from './server/state.js';

/** The server's record of the user's conversation, read from its memory (not through the API), owner checked. */
export async function storedConversation(
  server: AgentStateTestServer,
  userId: string,
  id: string,
): Promise<ServerConversation | undefined> {
  const conversation = server.state.findExternal(server.project, await externalId(userId, id));
  const owner = (conversation?.metadata?.acs as { u?: unknown } | undefined)?.u;
  return owner === userId ? conversation : undefined;
}

/** Reads what the test server really holds, replaying the stored entries. */
export function inspector(server: () => AgentStateTestServer): ConformanceInspector {
  return {
    async messages(userId: string, id: string): Promise<Message[]> {
      const conversation = await storedConversation(server(), userId, id);
      return conversation ? fold(conversation.messages as ApiMessage[]).messages : [];
    },
    async exists(userId: string, id: string): Promise<boolean> {
      return (await storedConversation(server(), userId, id)) !== undefined;
    },
  };
}
