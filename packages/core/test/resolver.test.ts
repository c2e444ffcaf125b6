import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  createStoreResolver,
  explainStoreResolution,
  formatExplanation,
  getRegisteredAdapters,
  registerStoreAdapter,
  resolveConversationStore,
  unregisterStoreAdapter,
  type ConversationStore,
  type StoreAdapter,
  type StoreKind,
} from '../src/index.js';

const quiet = { warn: () => undefined };
const ON = { AGENT_CONVERSATION_PERSISTENCE: 'true' };
const KEY = 'as_live_0123456789abcdefghijABCDEFGHIJ0123456789';
const PG = 'postgresql://app:pg-secret-pw@db.internal:5432/app';

/** A real adapter shape whose store is a memory store labelled with the kind, so tests can see which one was created. */
function adapter(kind: StoreKind, extra?: Partial<StoreAdapter>): StoreAdapter {
  return {
    kind,
    packageName: `@agent-conversations/test-${kind}`,
    create: (): ConversationStore => ({ ...createMemoryStore(), kind, persistent: kind !== 'memory' }),
    ...extra,
  };
}

const all = ['agentstate', 'd1', 'durable-object', 'postgres', 'clickhouse', 'local'].map((k) =>
  adapter(k as StoreKind),
);
const resolver = createStoreResolver(all);
const binding = {};

describe('auto order', () => {
  const cases: [string, Record<string, string>, Record<string, unknown>, StoreKind][] = [
    [
      'agentstate first when its key is set',
      { ...ON, AGENTSTATE_API_KEY: KEY, DATABASE_URL: PG },
      { CONVERSATIONS_D1: binding },
      'agentstate',
    ],
    [
      'd1 when its binding is present',
      { ...ON, DATABASE_URL: PG },
      { CONVERSATIONS_D1: binding, AGENT_CONVERSATIONS_DO: binding },
      'd1',
    ],
    [
      'durable-object when only its binding is present',
      { ...ON, DATABASE_URL: PG },
      { AGENT_CONVERSATIONS_DO: binding },
      'durable-object',
    ],
    [
      'durable-object under an overridden binding name',
      { ...ON, AGENT_CONVERSATIONS_DO_BINDING: 'CHATS' },
      { CHATS: binding },
      'durable-object',
    ],
    [
      'postgres when DATABASE_URL is set',
      { ...ON, DATABASE_URL: PG, CLICKHOUSE_AGENT_CONVERSATIONS_TABLE: 'a.b', CLICKHOUSE_HOST: 'ch' },
      {},
      'postgres',
    ],
    [
      'postgres when only POSTGRES_PRISMA_URL is set',
      { ...ON, POSTGRES_PRISMA_URL: `${PG}?pgbouncer=true` },
      {},
      'postgres',
    ],
    [
      'clickhouse only when its table is set explicitly',
      { ...ON, CLICKHOUSE_AGENT_CONVERSATIONS_TABLE: 'a.b', CLICKHOUSE_HOST: 'ch' },
      {},
      'clickhouse',
    ],
    ['memory in development when nothing is configured', { ...ON, CLICKHOUSE_HOST: 'ch' }, {}, 'memory'],
  ];
  it.each(cases)('picks %s', async (_label, env, bindings, expected) => {
    const explanation = resolver.explain({ env, bindings, logger: quiet });
    expect(explanation.decision).toBe(expected);
    expect(explanation.candidates.find((c) => c.status === 'chosen')?.kind).toBe(expected);
    const store = await resolver.resolve({ env, bindings, logger: quiet });
    expect(store.kind).toBe(expected);
  });

  it('explains every candidate: skipped before, available after the chosen one', () => {
    const explanation = resolver.explain({
      env: { ...ON, DATABASE_URL: PG, CLICKHOUSE_AGENT_CONVERSATIONS_TABLE: 'a.b', CLICKHOUSE_HOST: 'ch' },
      bindings: {},
      logger: quiet,
    });
    expect(explanation.candidates.map((c) => [c.kind, c.status])).toEqual([
      ['agentstate', 'skipped'],
      ['d1', 'skipped'],
      ['durable-object', 'skipped'],
      ['postgres', 'chosen'],
      ['clickhouse', 'available'],
    ]);
    expect(explanation.candidates[0]!.reason).toBe('AGENTSTATE_API_KEY is not set');
    expect(explanation.candidates[3]!.reason).toBe('DATABASE_URL is set (postgresql://db.internal:5432)');
  });

  it('names every ClickHouse host (failover) and the cluster', () => {
    const explanation = resolver.explain({
      env: {
        ...ON,
        CLICKHOUSE_AGENT_CONVERSATIONS_TABLE: 'a.b',
        CLICKHOUSE_HOST: 'http://u:pw@ch1:8123,ch2',
        CLICKHOUSE_CLUSTER: 'dash',
      },
      bindings: {},
      logger: quiet,
    });
    expect(explanation.candidates.find((c) => c.kind === 'clickhouse')?.reason).toBe(
      'table a.b on http://ch1:8123 and 1 more host of CLICKHOUSE_HOST (failover), cluster dash',
    );
  });

  it('reads bindings from env when no separate bindings are given (a Worker env)', () => {
    expect(resolver.explain({ env: { ...ON, CONVERSATIONS_D1: binding } as never, logger: quiet }).decision).toBe('d1');
  });
});

describe('production fails closed', () => {
  it('refuses memory when nothing persistent is configured, naming what it checked', async () => {
    const env = { ...ON, NODE_ENV: 'production' };
    const explanation = resolver.explain({ env, bindings: {}, logger: quiet });
    expect(explanation.decision).toBeNull();
    expect(explanation.error?.code).toBe('CONFIG');
    expect(explanation.error?.message).toContain('refuses to fall back to memory');
    for (const checked of [
      'agentstate: AGENTSTATE_API_KEY is not set',
      'd1: no CONVERSATIONS_D1 binding',
      'durable-object: no AGENT_CONVERSATIONS_DO binding',
      'postgres: none of DATABASE_URL',
      'clickhouse: CLICKHOUSE_AGENT_CONVERSATIONS_TABLE is not set explicitly',
    ]) {
      expect(explanation.error?.message).toContain(checked);
    }
    await expect(resolver.resolve({ env, bindings: {}, logger: quiet })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('refuses to fall back to memory'),
    });
  });

  it('takes production from the explicit option on runtimes without NODE_ENV', async () => {
    await expect(resolver.resolve({ env: ON, bindings: {}, production: true, logger: quiet })).rejects.toMatchObject({
      code: 'CONFIG',
    });
    expect((await resolver.resolve({ env: { ...ON, DATABASE_URL: PG }, production: true, logger: quiet })).kind).toBe(
      'postgres',
    );
  });

  it('says why a D1 id without a binding did not count', () => {
    const explanation = resolver.explain({
      env: { ...ON, NODE_ENV: 'production', CONVERSATIONS_D1_DATABASE_ID: '0f8e6b7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b' },
      bindings: {},
      logger: quiet,
    });
    expect(explanation.error?.message).toContain(
      'CONVERSATIONS_D1_DATABASE_ID is set but the Worker has no CONVERSATIONS_D1 binding',
    );
  });
});

describe('explicit stores, sessions and registration', () => {
  it('uses an explicit store and fails when its requirement is missing', async () => {
    expect(
      (
        await resolver.resolve({
          env: { ...ON, AGENT_CONVERSATION_STORE: 'durable-object' },
          bindings: { AGENT_CONVERSATIONS_DO: binding },
          logger: quiet,
        })
      ).kind,
    ).toBe('durable-object');
    await expect(
      resolver.resolve({ env: { ...ON, AGENT_CONVERSATION_STORE: 'd1' }, bindings: {}, logger: quiet }),
    ).rejects.toMatchObject({ code: 'CONFIG', message: 'AGENT_CONVERSATION_STORE=d1 but no CONVERSATIONS_D1 binding' });
    expect((await resolver.resolve({ env: { ...ON, AGENT_CONVERSATION_STORE: 'memory' }, logger: quiet })).kind).toBe(
      'memory',
    );
  });

  it('resolves unauthenticated sessions to local even with persistence on', async () => {
    const env = { ...ON, DATABASE_URL: PG };
    const explanation = resolver.explain({ env, authenticated: false, logger: quiet });
    expect(explanation).toMatchObject({
      decision: 'local',
      authenticated: false,
      reason: 'unauthenticated sessions always keep history in the browser',
    });
    expect((await resolver.resolve({ env, authenticated: false, logger: quiet })).kind).toBe('local');
    expect(resolver.explain({ env: {}, logger: quiet })).toMatchObject({
      decision: 'local',
      reason: expect.stringContaining('AGENT_CONVERSATION_PERSISTENCE is not true'),
    });
  });

  it('on a server without the browser store, local resolves to a CONFIG error that says nothing is stored', async () => {
    const server = createStoreResolver([adapter('postgres')]);
    await expect(
      server.resolve({ env: { ...ON, DATABASE_URL: PG }, authenticated: false, logger: quiet }),
    ).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('nothing is stored on the server') });
  });

  it('is a CONFIG error naming the package when a configured backend is not registered', async () => {
    const bare = createStoreResolver([]);
    const env = { ...ON, DATABASE_URL: PG };
    const explanation = bare.explain({ env, logger: quiet });
    expect(explanation.candidates.find((c) => c.kind === 'postgres')?.status).toBe('not-registered');
    await expect(bare.resolve({ env, logger: quiet })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('npm install @agent-conversations/store-postgres'),
    });
    await expect(bare.resolve({ env: { ...ON, AGENTSTATE_API_KEY: KEY }, logger: quiet })).rejects.toMatchObject({
      message: expect.stringContaining('@agent-conversations/store-agentstate'),
    });
    await expect(
      bare.resolve({ env: ON, bindings: { CONVERSATIONS_D1: binding }, logger: quiet }),
    ).rejects.toMatchObject({ message: expect.stringContaining('@agent-conversations/store-cloudflare') });
  });

  it("honours an adapter's own isConfigured check", async () => {
    const picky = createStoreResolver([
      adapter('d1', { isConfigured: () => 'CONVERSATIONS_D1 is not a D1 database binding' }),
    ]);
    await expect(
      picky.resolve({ env: ON, bindings: { CONVERSATIONS_D1: binding }, logger: quiet }),
    ).rejects.toMatchObject({
      code: 'CONFIG',
      message: 'd1 is configured but not usable: CONVERSATIONS_D1 is not a D1 database binding',
    });
  });

  it('reports an invalid configuration in the explanation instead of throwing', () => {
    const explanation = explainStoreResolution({
      env: { AGENT_CONVERSATION_PERSISTENCE: 'perhaps' },
      adapters: [],
      logger: quiet,
    });
    expect(explanation).toMatchObject({ decision: null, error: { code: 'CONFIG' } });
  });

  it('never shows secrets in explanations or errors', async () => {
    const env = {
      ...ON,
      AGENTSTATE_API_KEY: KEY,
      DATABASE_URL: PG,
      CLICKHOUSE_PASSWORD: 'ch-secret-pw',
      CLICKHOUSE_HOST: 'http://dash:ch-secret-pw@ch:8123',
      CLICKHOUSE_AGENT_CONVERSATIONS_TABLE: 'a.b',
    };
    const text = formatExplanation(createStoreResolver([]).explain({ env, logger: quiet }));
    let error = '';
    await createStoreResolver([])
      .resolve({ env, logger: quiet })
      .catch((e: Error) => (error = `${e.message}\n${e.stack}`));
    for (const secret of [KEY, 'pg-secret-pw', 'ch-secret-pw', '/app']) {
      expect(text).not.toContain(secret);
      expect(error).not.toContain(secret);
    }
  });
});

describe('the global registry', () => {
  afterEach(() => unregisterStoreAdapter('postgres'));

  it('registerStoreAdapter makes resolveConversationStore find the backend', async () => {
    const env = { ...ON, DATABASE_URL: PG };
    await expect(resolveConversationStore({ env, logger: quiet })).rejects.toMatchObject({ code: 'CONFIG' });
    registerStoreAdapter(adapter('postgres'));
    expect(getRegisteredAdapters().map((a) => a.kind)).toContain('postgres');
    expect((await resolveConversationStore({ env, logger: quiet })).kind).toBe('postgres');
  });

  it('rejects something that is not an adapter', () => {
    expect(() => registerStoreAdapter({ kind: 'redis' } as never)).toThrow(/takes a store adapter/);
  });
});

describe('typing', () => {
  it('accepts a Worker env declared as an interface (what wrangler types generates)', () => {
    interface Env {
      AGENT_CONVERSATION_PERSISTENCE: string;
      CONVERSATIONS_D1: object;
    }
    const env: Env = { AGENT_CONVERSATION_PERSISTENCE: 'true', CONVERSATIONS_D1: {} };
    expect(resolver.explain({ env, production: true, logger: quiet }).decision).toBe('d1');
  });

  it('keeps local as the decision for signed-out sessions on a server, and resolve explains why there is no store', async () => {
    const server = createStoreResolver([adapter('postgres')]);
    const explanation = server.explain({ env: { ...ON, DATABASE_URL: PG }, authenticated: false, logger: quiet });
    expect(explanation.decision).toBe('local');
    expect(explanation.error).toBeUndefined();
    await expect(
      server.resolve({ env: { ...ON, DATABASE_URL: PG }, authenticated: false, logger: quiet }),
    ).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('nothing is stored on the server') });
    expect(formatExplanation(explanation)).toContain('conversation store: local');
  });
});
