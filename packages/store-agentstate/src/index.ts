export { createAgentStateStore } from './store.js';
export { agentStateAdapter } from './adapter.js';
export type { AgentStateStoreOptions, FetchLike } from './options.js';
