import {
  createStoreResolver,
  explainStoreResolution,
  resolveConversationStore,
  unregisterStoreAdapter,
  type ConversationStore,
} from '@agent-conversations/core';
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { d1Adapter, durableObjectAdapter } from '../src/index.js';

const resolver = createStoreResolver([d1Adapter, durableObjectAdapter]);
const ON = { AGENT_CONVERSATION_PERSISTENCE: 'true' };

async function roundTrip(store: ConversationStore): Promise<void> {
  const userId = `user-${crypto.randomUUID()}`;
  await store.upsert({
    id: 'c',
    userId,
    messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hello' }] }],
  });
  expect((await store.get(userId, 'c'))?.title).toBe('hello');
}

beforeAll(() => applyD1Migrations(env.CONVERSATIONS_D1, env.TEST_MIGRATIONS));

describe('the resolver in a Worker', () => {
  it('picks d1 when the CONVERSATIONS_D1 binding is present (even with the Durable Object bound too)', async () => {
    const store = await resolver.resolve({
      env: { ...ON, CONVERSATIONS_D1: env.CONVERSATIONS_D1, AGENT_CONVERSATIONS_DO: env.AGENT_CONVERSATIONS_DO },
      production: true,
    });
    expect(store.kind).toBe('d1');
    await roundTrip(store);
  });

  it('picks durable-object when only the Durable Object binding is present', async () => {
    const store = await resolver.resolve({
      env: { ...ON, AGENT_CONVERSATIONS_DO: env.AGENT_CONVERSATIONS_DO },
      production: true,
    });
    expect(store.kind).toBe('durable-object');
    await roundTrip(store);
  });

  it('finds the namespace under the name AGENT_CONVERSATIONS_DO_BINDING gives', async () => {
    const store = await resolver.resolve({
      env: { ...ON, AGENT_CONVERSATIONS_DO_BINDING: 'CHAT_HISTORY', CHAT_HISTORY: env.AGENT_CONVERSATIONS_DO },
      production: true,
    });
    expect(store.kind).toBe('durable-object');
    await roundTrip(store);
  });

  it('fails closed in production when neither binding is present, instead of using memory', async () => {
    const error = await resolver.resolve({ env: { ...ON }, production: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ConversationStoreError',
      code: 'CONFIG',
      message: expect.stringContaining('production'),
    });
    expect(resolver.explain({ env: { ...ON }, production: true })).toMatchObject({
      decision: null,
      candidates: expect.arrayContaining([expect.objectContaining({ kind: 'memory', status: 'refused' })]),
    });
  });

  it('refuses a CONVERSATIONS_D1 binding that is not a D1 database', async () => {
    const error = await resolver
      .resolve({ env: { ...ON, CONVERSATIONS_D1: env.AGENT_CONVERSATIONS_DO }, production: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG', message: expect.stringContaining('not a D1 database binding') });
  });

  it('AGENT_CONVERSATION_STORE=durable-object chooses the object even when D1 is bound', async () => {
    const store = await resolver.resolve({
      env: {
        ...ON,
        AGENT_CONVERSATION_STORE: 'durable-object',
        CONVERSATIONS_D1: env.CONVERSATIONS_D1,
        AGENT_CONVERSATIONS_DO: env.AGENT_CONVERSATIONS_DO,
      },
      production: true,
    });
    expect(store.kind).toBe('durable-object');
  });
});

describe('the ./register entry', () => {
  beforeAll(async () => {
    await import('../src/register.js');
  });
  afterAll(() => {
    unregisterStoreAdapter('d1');
    unregisterStoreAdapter('durable-object');
  });

  it('makes both backends available to the global resolver', async () => {
    expect(
      explainStoreResolution({ env: { ...ON, AGENT_CONVERSATIONS_DO: env.AGENT_CONVERSATIONS_DO }, production: true })
        .decision,
    ).toBe('durable-object');
    expect(
      (await resolveConversationStore({ env: { ...ON, CONVERSATIONS_D1: env.CONVERSATIONS_D1 }, production: true }))
        .kind,
    ).toBe('d1');
  });
});
