import {
  createStoreResolver,
  getRegisteredAdapters,
  parseConversationConfig,
  unregisterStoreAdapter,
  type StoreContext,
} from '@agent-conversations/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPostgresStore, parseConnectionString, postgresAdapter, type PostgresStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';

const silent = { warn: () => undefined };

describe('connection string', () => {
  it('reads the Prisma parameters and removes them from what pg gets; keeps the rest', () => {
    const parsed = parseConnectionString(
      'postgresql://user:p%40ss@db.example.com:6543/app?schema=chat&pgbouncer=true&connection_limit=3&connect_timeout=15&pool_timeout=10&sslmode=require&application_name=web',
    );
    expect(parsed).toMatchObject({
      schema: 'chat',
      pgbouncer: true,
      poolSize: 3,
      connectionTimeoutMs: 15_000,
      password: 'p@ss',
    });
    const kept = new URL(parsed.connectionString);
    expect([...kept.searchParams.keys()]).toEqual(['sslmode', 'application_name']);
    expect(kept.password).toBe('p%40ss');
  });

  it('bad URLs and options are CONFIG errors that do not echo the password', () => {
    for (const [connectionString, options] of [
      ['mysql://user:hunter22@host/db', {}],
      ['postgresql://user:hunter22@host:notaport/db', {}],
      ['postgresql://user:hunter22@host/db?connection_limit=many', {}],
      ['postgresql://user:hunter22@host/db', { schema: 'bad-schema;drop' }],
      ['postgresql://user:hunter22@host/db', { tablePrefix: 'x y' }],
      ['postgresql://user:hunter22@host/db', { poolSize: 0 }],
    ] as const) {
      let error: unknown;
      try {
        createPostgresStore({ connectionString }, options);
      } catch (e) {
        error = e;
      }
      expect(error, connectionString).toMatchObject({ code: 'CONFIG' });
      expect(String((error as Error).message)).not.toContain('hunter22');
    }
  });

  it('creating a store does no I/O: an unreachable server only fails the first call', async () => {
    const store = createPostgresStore(
      { connectionString: 'postgresql://u:secret-pass@127.0.0.1:1/db' },
      { connectionTimeoutMs: 1_000 },
    );
    await expect(store.list('u')).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    await store.close();
  });
});

describe('adapter', () => {
  let db: TestDatabase;
  const stores: PostgresStore[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgUrl'), 'config');
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await db.drop();
  });
  const resolve = async (env: Record<string, string>): Promise<PostgresStore> => {
    const store = (await createStoreResolver([postgresAdapter]).resolve({
      env: { AGENT_CONVERSATION_PERSISTENCE: 'true', ...env },
      logger: silent,
    })) as PostgresStore;
    stores.push(store);
    return store;
  };

  it('auto picks postgres from DATABASE_URL and the store works', async () => {
    const store = await resolve({ DATABASE_URL: db.url });
    expect(store.kind).toBe('postgres');
    await store.upsert({ userId: 'u', id: 'c', messages: [{ id: 'm', role: 'user', content: 'from DATABASE_URL' }] });
    expect((await store.get('u', 'c'))?.title).toBe('from DATABASE_URL');
  });

  it("POSTGRES_PRISMA_URL alone works; its schema parameter stays Prisma's and the tables go to their own schema", async () => {
    const store = await resolve({
      POSTGRES_PRISMA_URL: `${db.url}?schema=from_prisma&pgbouncer=true&connection_limit=2`,
    });
    expect(store.tables.schema).toBe('agent_conversations');
    await store.upsert({ userId: 'u', id: 'c', messages: [] });
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM agent_conversations.agent_conversations WHERE user_id = 'u'",
    );
    expect(rows).toEqual([{ n: 1 }]);
    const { rows: prisma } = await db.pool.query(
      "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'from_prisma'",
    );
    expect(prisma).toEqual([{ n: 0 }]);
  });

  it('isConfigured says why when no URL is set, and create refuses', () => {
    const config = parseConversationConfig({ AGENT_CONVERSATION_PERSISTENCE: 'true' }, { logger: silent });
    const context: StoreContext = { env: {}, bindings: {}, production: false, logger: silent };
    expect(postgresAdapter.isConfigured?.(config, context)).toMatch(/DATABASE_URL/);
    expect(() => postgresAdapter.create(config, context)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('the ./register entry registers the adapter', async () => {
    unregisterStoreAdapter('postgres');
    await import('../src/register.js');
    expect(getRegisteredAdapters()).toContain(postgresAdapter);
    unregisterStoreAdapter('postgres');
  });
});
