import { ConversationStoreError } from '@agent-conversations/core';

// What `./durable-object` resolves to outside workerd (plain Node, tools that import every entry):
// loading works, constructing explains the fix. Workers bundlers pick the real class by the "workerd" condition.

/** The schema migrations table name, as in the real entry. */
export const DO_MIGRATIONS_TABLE = 'agent_conversations_migrations';

/** Stand-in for the Durable Object class outside Cloudflare Workers; constructing it throws a CONFIG error. */
export class AgentConversationsDurableObject {
  constructor() {
    throw new ConversationStoreError(
      'CONFIG',
      'AgentConversationsDurableObject runs only inside Cloudflare Workers (workerd). This runtime loaded the entry for other runtimes: build the Worker with wrangler, or with a bundler that uses the "workerd" export condition.',
      { adapter: 'durable-object' },
    );
  }
}
