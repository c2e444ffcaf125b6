import {
  createStoreResolver,
  getRegisteredAdapters,
  resolveConversationStore,
  unregisterStoreAdapter,
} from '@agent-conversations/core';
import { afterAll, describe, expect, it } from 'vitest';
import { browserAdapter } from '../../src/index.js';

describe('the resolver in the browser', () => {
  afterAll(() => {
    unregisterStoreAdapter('local');
  });

  it('maps the local decision to the localStorage store', async () => {
    const resolver = createStoreResolver([browserAdapter]);
    for (const options of [
      { env: {} },
      {
        env: { AGENT_CONVERSATION_PERSISTENCE: 'true', DATABASE_URL: 'postgres://db.internal/app' },
        authenticated: false,
      },
    ]) {
      expect(resolver.explain(options).decision).toBe('local');
      const store = await resolver.resolve(options);
      expect(store.kind).toBe('local');
      expect(store.persistent).toBe(false);
      expect(browserAdapter.isConfigured?.({} as never, {} as never)).toBe(true);
    }
  });

  it('registers itself through the ./register entry', async () => {
    await import('../../src/register.js');
    expect(getRegisteredAdapters().map((a) => a.kind)).toContain('local');
    expect((await resolveConversationStore({ env: { AGENT_CONVERSATION_STORE: 'local' } })).kind).toBe('local');
  });
});
