import { createStoreResolver, parseConversationConfig } from '@agent-conversations/core';
import { describe, expect, it } from 'vitest';
import { d1Adapter, durableObjectAdapter } from '../src/index.js';

const resolver = createStoreResolver([d1Adapter, durableObjectAdapter]);
const ON = { AGENT_CONVERSATION_PERSISTENCE: 'true' };
const quiet = { warn: () => undefined };

// Runs in workerd itself: the runtime is the signal, with no NODE_ENV and no production option.
describe('the Workers runtime counts as production', () => {
  it('a Worker whose bindings got lost fails closed instead of resolving to memory', async () => {
    expect((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent).toBe('Cloudflare-Workers');
    expect(parseConversationConfig(ON, { logger: quiet })).toMatchObject({
      production: true,
      productionSource: expect.stringContaining('the Cloudflare Workers runtime'),
    });
    const explanation = resolver.explain({ env: ON, logger: quiet });
    expect(explanation).toMatchObject({
      decision: null,
      production: true,
      candidates: expect.arrayContaining([expect.objectContaining({ kind: 'memory', status: 'refused' })]),
    });
    await expect(resolver.resolve({ env: ON, logger: quiet })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('refuses to fall back to memory'),
    });
  });

  it('unless the app says otherwise (production: false, as for wrangler dev)', () => {
    expect(resolver.explain({ env: ON, production: false, logger: quiet }).decision).toBe('memory');
  });
});
