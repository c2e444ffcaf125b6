import { registerStoreAdapter } from '@agent-conversations/core';
import { agentStateAdapter } from './adapter.js';

registerStoreAdapter(agentStateAdapter);
