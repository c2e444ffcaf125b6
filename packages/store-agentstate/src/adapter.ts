import { ConversationStoreError, type StoreAdapter } from '@agent-conversations/core';
import { createAgentStateStore } from './store.js';

/** The `agentstate` adapter for the resolver: reads `config.agentstate` (AGENTSTATE_API_KEY, AGENTSTATE_API_BASE). */
export const agentStateAdapter: StoreAdapter<'agentstate'> = {
  kind: 'agentstate',
  packageName: '@agent-conversations/store-agentstate',
  isConfigured: (config) => (config.agentstate.apiKey ? true : 'AGENTSTATE_API_KEY is not set'),
  create(config, context) {
    const { apiKey, baseUrl } = config.agentstate;
    if (!apiKey)
      throw new ConversationStoreError(
        'CONFIG',
        'AGENT_CONVERSATION_STORE=agentstate needs AGENTSTATE_API_KEY (an as_live_ key)',
        { adapter: 'agentstate' },
      );
    return createAgentStateStore({ apiKey, baseUrl, logger: context.logger });
  },
};
