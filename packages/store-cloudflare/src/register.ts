import { registerStoreAdapter } from '@agent-conversations/core';
import { d1Adapter } from './d1/adapter.js';
import { durableObjectAdapter } from './durable-object/adapter.js';

// Side effect: makes the d1 and durable-object backends available to resolveConversationStore().
registerStoreAdapter(d1Adapter);
registerStoreAdapter(durableObjectAdapter);

export { d1Adapter, durableObjectAdapter };
