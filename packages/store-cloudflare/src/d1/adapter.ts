import { ConversationStoreError, type StoreAdapter } from '@agent-conversations/core';
import { PACKAGE_NAME } from '../shared/package.js';
import { isD1Database } from './runner.js';
import { createD1Store } from './store.js';

/** The D1 adapter for the resolver: usable when the Worker env has a D1 binding named `CONVERSATIONS_D1`. */
export const d1Adapter: StoreAdapter<'d1'> = {
  kind: 'd1',
  packageName: PACKAGE_NAME,
  isConfigured(config, context) {
    const binding = context.bindings[config.d1.bindingName];
    return isD1Database(binding)
      ? true
      : `${config.d1.bindingName} is not a D1 database binding (add it under d1_databases in wrangler.jsonc/wrangler.toml)`;
  },
  create(config, context) {
    const binding = context.bindings[config.d1.bindingName];
    if (!isD1Database(binding)) {
      throw new ConversationStoreError(
        'CONFIG',
        `the Worker env has no D1 binding named ${config.d1.bindingName}; run \`agent-conversations-cloudflare setup\``,
        { adapter: 'd1' },
      );
    }
    return createD1Store({ binding });
  },
};
