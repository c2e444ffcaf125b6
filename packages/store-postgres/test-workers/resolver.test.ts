import {
  createStoreResolver,
  explainStoreResolution,
  resolveConversationStore,
  unregisterStoreAdapter,
  type ConversationStore,
} from '@agent-conversations/core';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAdapter } from '../src/index.js';

const resolver = createStoreResolver([postgresAdapter]);
const ON = { AGENT_CONVERSATION_PERSISTENCE: 'true' };

async function roundTrip(store: ConversationStore): Promise<void> {
  const userId = `user-${crypto.randomUUID()}`;
  try {
    await store.upsert({
      id: 'c',
      userId,
      messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hello' }] }],
    });
    expect((await store.get(userId, 'c'))?.title).toBe('hello');
  } finally {
    await store.close();
  }
}

describe('auto in a Worker', () => {
  it('picks postgres when DATABASE_URL is set (a secret), in production by the Workers runtime signal', async () => {
    const explanation = resolver.explain({ env: { ...ON, DATABASE_URL: env.DATABASE_URL } });
    expect(explanation).toMatchObject({
      decision: 'postgres',
      production: true,
      productionSource: expect.stringContaining('Cloudflare Workers runtime'),
    });
    expect(JSON.stringify(explanation)).not.toContain(new URL(env.DATABASE_URL).password);
    const store = await resolver.resolve({ env: { ...ON, DATABASE_URL: env.DATABASE_URL } });
    expect(store.kind).toBe('postgres');
    await roundTrip(store);
  });

  it("reaches Postgres through Hyperdrive when DATABASE_URL is the binding's connection string", async () => {
    await roundTrip(await resolver.resolve({ env: { ...ON, DATABASE_URL: env.HYPERDRIVE.connectionString } }));
  });

  it("keeps the spec's order: a D1 or Durable Object binding comes before DATABASE_URL", () => {
    const explanation = resolver.explain({
      env: { ...ON, DATABASE_URL: env.DATABASE_URL, AGENT_CONVERSATIONS_DO: { idFromName() {} } },
    });
    expect(explanation.candidates.map((c) => [c.kind, c.status])).toEqual([
      ['agentstate', 'skipped'],
      ['d1', 'skipped'],
      ['durable-object', 'not-registered'],
      ['postgres', 'available'],
      ['clickhouse', 'skipped'],
    ]);
  });

  it('fails closed in production without DATABASE_URL instead of using memory', async () => {
    const error = await resolver.resolve({ env: { ...ON } }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ConversationStoreError',
      code: 'CONFIG',
      message: expect.stringContaining('production'),
    });
  });
});

describe('the ./register entry in workerd', () => {
  beforeAll(async () => {
    await import('../src/register.js');
  });
  afterAll(() => {
    unregisterStoreAdapter('postgres');
  });

  it('makes postgres available to the global resolver', async () => {
    expect(explainStoreResolution({ env: { ...ON, DATABASE_URL: env.DATABASE_URL } }).decision).toBe('postgres');
    await roundTrip(await resolveConversationStore({ env: { ...ON, DATABASE_URL: env.DATABASE_URL } }));
  });
});
