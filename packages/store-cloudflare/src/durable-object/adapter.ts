import { ConversationStoreError, type StoreAdapter } from '@agent-conversations/core';
import { PACKAGE_NAME } from '../shared/package.js';
import { createDurableObjectStore, isDurableObjectNamespace } from './store.js';

/** The Durable Object adapter for the resolver: usable when the Worker env has the namespace named by AGENT_CONVERSATIONS_DO_BINDING (default AGENT_CONVERSATIONS_DO). */
export const durableObjectAdapter: StoreAdapter<'durable-object'> = {
  kind: 'durable-object',
  packageName: PACKAGE_NAME,
  isConfigured(config, context) {
    const name = config.durableObject.bindingName;
    return isDurableObjectNamespace(context.bindings[name])
      ? true
      : `${name} is not a Durable Object namespace binding (bind AgentConversationsDurableObject under durable_objects.bindings)`;
  },
  create(config, context) {
    const name = config.durableObject.bindingName;
    const namespace = context.bindings[name];
    if (!isDurableObjectNamespace(namespace)) {
      throw new ConversationStoreError(
        'CONFIG',
        `the Worker env has no Durable Object namespace named ${name}; bind AgentConversationsDurableObject to it`,
        { adapter: 'durable-object' },
      );
    }
    return createDurableObjectStore({ namespace });
  },
};
