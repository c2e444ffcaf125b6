import type { D1Migration } from 'cloudflare:test';
import type { AgentConversationsDurableObject } from '../src/durable-object.js';

declare global {
  namespace Cloudflare {
    interface Env {
      CONVERSATIONS_D1: D1Database;
      CODE_MIGRATED_D1: D1Database;
      EMPTY_D1: D1Database;
      AUTO_D1: D1Database;
      AGENT_CONVERSATIONS_DO: DurableObjectNamespace<AgentConversationsDurableObject>;
      UNRELATED_DO: DurableObjectNamespace;
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
