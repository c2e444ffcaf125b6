import { afterEach, describe, expect, it } from 'vitest';
import {
  autoOrder,
  createMemoryStore,
  createStoreResolver,
  explainStoreResolution,
  formatExplanation,
  getRegisteredAdapters,
  registerStoreAdapter,
  resolveConversationStore,
  unregisterStoreAdapter,
  type AutoPlacement,
  type ConversationStore,
  type StoreAdapter,
} from '../src/index.js';

const quiet = { warn: () => undefined };
const ON = { AGENT_CONVERSATION_PERSISTENCE: 'true' };
const PG = 'postgresql://app:pg-secret-pw@db.internal:5432/app';

/** A third-party adapter configured by REDIS_URL; its store is a memory store labelled with its kind. */
function redis(auto?: AutoPlacement, kind = 'redis'): StoreAdapter {
  return {
    kind,
    packageName: `acme-${kind}-store`,
    auto,
    variables: ['REDIS_URL'],
    detect: (_config, { env }) =>
      env.REDIS_URL
        ? { available: true, reason: 'REDIS_URL is set' }
        : { available: false, reason: 'REDIS_URL is not set' },
    create: (): ConversationStore => ({ ...createMemoryStore(), kind, persistent: true }),
  };
}
const postgres: StoreAdapter = {
  kind: 'postgres',
  packageName: '@agent-conversations/store-postgres',
  create: (): ConversationStore => ({ ...createMemoryStore(), kind: 'postgres', persistent: true }),
};

describe('a third-party kind', () => {
  afterEach(() => {
    unregisterStoreAdapter('redis');
  });

  it('registers globally and is resolved by name from AGENT_CONVERSATION_STORE, with its detect reason in the explanation', async () => {
    registerStoreAdapter(redis());
    expect(getRegisteredAdapters().map((a) => a.kind)).toContain('redis');
    const env = { ...ON, AGENT_CONVERSATION_STORE: 'redis', REDIS_URL: 'redis://cache:6379' };
    const store = await resolveConversationStore({ env, logger: quiet });
    expect(store.kind).toBe('redis');
    const explanation = explainStoreResolution({ env, logger: quiet });
    expect(explanation.decision).toBe('redis');
    expect(explanation.candidates).toEqual([
      { kind: 'redis', status: 'chosen', reason: 'REDIS_URL is set', packageName: 'acme-redis-store' },
    ]);
    expect(formatExplanation(explanation)).toContain('chosen         redis           REDIS_URL is set');
  });

  it('named but not configured: fails with its own reason', async () => {
    const resolver = createStoreResolver([redis()]);
    await expect(
      resolver.resolve({ env: { ...ON, AGENT_CONVERSATION_STORE: 'redis' }, logger: quiet }),
    ).rejects.toThrow('AGENT_CONVERSATION_STORE=redis but REDIS_URL is not set');
  });

  it('is explicit-only unless it asks to join auto', () => {
    const env = { ...ON, REDIS_URL: 'redis://cache:6379' };
    const explicitOnly = createStoreResolver([redis()]).explain({ env, logger: quiet });
    expect(explicitOnly.decision).toBe('memory');
    expect(explicitOnly.candidates.map((c) => c.kind)).not.toContain('redis');
    expect(createStoreResolver([redis('last')]).explain({ env, logger: quiet }).decision).toBe('redis');
  });

  it('joins auto where it asks, and the spec kinds keep their order around it', () => {
    expect(autoOrder([redis('last')])).toEqual([
      'agentstate',
      'd1',
      'durable-object',
      'postgres',
      'clickhouse',
      'redis',
    ]);
    expect(autoOrder([redis('first')])).toEqual([
      'redis',
      'agentstate',
      'd1',
      'durable-object',
      'postgres',
      'clickhouse',
    ]);
    expect(autoOrder([redis({ before: 'postgres' })])).toEqual([
      'agentstate',
      'd1',
      'durable-object',
      'redis',
      'postgres',
      'clickhouse',
    ]);
    expect(autoOrder([redis({ after: 'postgres' }), redis({ after: 'redis' }, 'mongo')])).toEqual([
      'agentstate',
      'd1',
      'durable-object',
      'postgres',
      'redis',
      'mongo',
      'clickhouse',
    ]);
    // A built-in adapter cannot move itself: the spec's order stands.
    expect(autoOrder([{ ...postgres, auto: 'first' }])).toEqual([
      'agentstate',
      'd1',
      'durable-object',
      'postgres',
      'clickhouse',
    ]);
    const env = { ...ON, REDIS_URL: 'redis://cache:6379', DATABASE_URL: PG };
    const after = createStoreResolver([postgres, redis({ after: 'postgres' })]).explain({ env, logger: quiet });
    expect(after.decision).toBe('postgres');
    expect(after.candidates.find((c) => c.kind === 'redis')).toMatchObject({
      status: 'available',
      reason: 'REDIS_URL is set; not used because postgres comes first',
    });
    expect(
      createStoreResolver([postgres, redis({ before: 'postgres' })]).explain({ env, logger: quiet }).decision,
    ).toBe('redis');
  });

  it('an unknown kind lists the registered kinds and the packages of the built-in ones', () => {
    const explanation = createStoreResolver([postgres, redis()]).explain({
      env: { ...ON, AGENT_CONVERSATION_STORE: 'mongo' },
      logger: quiet,
    });
    expect(explanation.decision).toBeNull();
    expect(explanation.error?.message).toContain('(got "mongo"). Registered here: memory, postgres, redis.');
    expect(explanation.error?.message).toContain('d1, durable-object from @agent-conversations/store-cloudflare');
  });

  it('a detect that throws is a candidate that is not available, with the redacted reason; explain never throws', () => {
    const broken: StoreAdapter = {
      ...redis('first'),
      detect: () => {
        throw new Error(`cannot parse ${PG}`);
      },
    };
    const explanation = createStoreResolver([broken]).explain({ env: ON, logger: quiet });
    expect(explanation.decision).toBe('memory');
    const reason = explanation.candidates.find((c) => c.kind === 'redis')?.reason ?? '';
    expect(reason).toContain('its detect() threw: cannot parse');
    expect(reason).not.toContain('pg-secret-pw');
  });

  it('registration refuses adapters it could not resolve, naming what is wrong', () => {
    const refuse = (adapter: unknown): unknown =>
      expect(() => registerStoreAdapter(adapter as StoreAdapter)).toThrow(/registerStoreAdapter takes a store adapter/);
    refuse({
      kind: 'Redis',
      packageName: 'x',
      create: () => createMemoryStore(),
      detect: () => ({ available: true, reason: '' }),
    });
    refuse({
      kind: 'auto',
      packageName: 'x',
      create: () => createMemoryStore(),
      detect: () => ({ available: true, reason: '' }),
    });
    refuse({ kind: 'redis', packageName: 'x', create: () => createMemoryStore() });
    refuse({
      kind: 'redis',
      packageName: '',
      create: () => createMemoryStore(),
      detect: () => ({ available: true, reason: '' }),
    });
    refuse({ ...redis(), auto: 'middle' });
    expect(() => registerStoreAdapter(redis())).not.toThrow();
  });
});
