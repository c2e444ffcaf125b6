// Side effect on import: `import '@agent-conversations/store-postgres/register'` lets the resolver pick postgres.
import { registerStoreAdapter } from '@agent-conversations/core';
import { postgresAdapter } from './adapter.js';

registerStoreAdapter(postgresAdapter);
