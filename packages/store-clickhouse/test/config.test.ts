import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
import { freshTable, messages } from './support/fixtures.js';

let backend: Backend;
beforeAll(async () => {
  backend = await openBackend();
});
afterAll(() => backend.close());

async function tableExists(table: string): Promise<boolean> {
  const [database, name] = table.split('.');
  const rows = await backend.rows(`SELECT name FROM system.tables WHERE database = {d:String} AND name = {n:String}`, {
    d: database,
    n: name,
  });
  return rows.length > 0;
}

async function failure(promise: Promise<unknown>): Promise<Error & { code: string; retryable: boolean }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the call to fail').toBeInstanceOf(Error);
  expect((error as Error).name).toBe('ConversationStoreError');
  return error as Error & { code: string; retryable: boolean };
}

describe('table names', () => {
  const bad = [
    'a.b.c',
    'db.table;DROP TABLE x',
    '`db`.`t`',
    'db.t-1',
    'db.',
    '.t',
    '1db.t',
    'db.t name',
    "db.t'",
    'db.ta\u00e9ble',
    '',
  ];
  it.each(bad)('rejects %j as a CONFIG error before any query runs', (table) => {
    let thrown: unknown;
    try {
      createClickHouseStore({ client: backend.client }, { table });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'ConversationStoreError', code: 'CONFIG' });
    expect((thrown as Error).message).toContain('CLICKHOUSE_AGENT_CONVERSATIONS_TABLE');
  });

  it('accepts db.table and a bare table in the connection database', () => {
    expect(createClickHouseStore({ client: backend.client }, { table: 'analytics.agent_conversations' }).table).toBe(
      'analytics.agent_conversations',
    );
    expect(createClickHouseStore({ client: backend.client, database: 'dash' }, { table: 'chats' }).table).toBe(
      'dash.chats',
    );
    expect(createClickHouseStore({ client: backend.client, database: 'dash' }).table).toBe('dash.agent_conversations');
  });
});

describe('schema', () => {
  it('a missing table with auto-create off is a CONFIG error naming the variable and the grant, and creates nothing', async () => {
    const table = freshTable(backend);
    const store = createClickHouseStore({ client: backend.client }, { table });
    const error = await failure(store.list('u'));
    expect(error.code).toBe('CONFIG');
    expect(error.message).toContain(`${table} does not exist`);
    expect(error.message).toContain('CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE=true');
    expect(error.message).toContain('CREATE TABLE');
    expect(await tableExists(table)).toBe(false);
    // migrate() is the explicit way; afterwards the same store works.
    const report = await store.migrate();
    expect(report).toMatchObject({ from: 0, to: 1, steps: [{ version: 1 }] });
    expect(await store.migrate({ dryRun: true })).toEqual({ from: 1, to: 1, steps: [] });
    await store.upsert({ id: 'c', userId: 'u', messages: messages(1) });
    expect((await store.list('u')).items).toHaveLength(1);
  });

  it('a table dropped after migrating is reported missing, and migrate() creates it again', async () => {
    const table = freshTable(backend);
    await createClickHouseStore({ client: backend.client }, { table }).migrate();
    await backend.client.command({ query: `DROP TABLE ${table}` });
    const store = createClickHouseStore({ client: backend.client }, { table });
    const error = await failure(store.get('u', 'c'));
    expect(error.code).toBe('CONFIG');
    expect(error.message).toContain(`${table} does not exist`);
    expect((await store.migrate()).steps.map((step) => step.version)).toEqual([1]);
    expect(await store.get('u', 'c')).toBeNull();
  });

  it('auto-create makes the table on first use', async () => {
    const table = freshTable(backend);
    const store = createClickHouseStore({ client: backend.client }, { table, autoCreate: true });
    expect(await tableExists(table)).toBe(false);
    await store.upsert({ id: 'c', userId: 'u', messages: messages(2) });
    expect(await tableExists(table)).toBe(true);
    expect(await tableExists(`${table}_migrations`)).toBe(true);
  });

  it('a database that does not exist is a CONFIG error even with auto-create', async () => {
    const store = createClickHouseStore(
      { client: backend.client },
      { table: 'no_such_database_x.chats', autoCreate: true },
    );
    const error = await failure(store.get('u', 'c'));
    expect(error.code).toBe('CONFIG');
    expect(error.message).toContain('database no_such_database_x does not exist');
  });

  it('a server older than the minimum version is refused with a CONFIG error naming the minimum, before anything is created', async () => {
    const table = freshTable(backend);
    const store = createClickHouseStore(
      { client: backend.client },
      { table, autoCreate: true, minServerVersion: '999.1' },
    );
    const error = await failure(store.upsert({ id: 'c', userId: 'u', messages: [] }));
    expect(error.code).toBe('CONFIG');
    expect(error.message).toMatch(/ClickHouse server \d+\.\d+[.\d]* is too old: .* needs ClickHouse 999\.1 or newer/);
    expect(await tableExists(table)).toBe(false);
  });

  it('diagnose reports server, schema and grants', async () => {
    const table = freshTable(backend);
    const store = createClickHouseStore({ client: backend.client }, { table });
    const before = await store.diagnose();
    expect(before.find((c) => c.name === 'schema version')).toMatchObject({ ok: false });
    await store.migrate();
    const after = await store.diagnose();
    expect(after.map((c) => [c.name, c.ok])).toEqual([
      ['reachable', true],
      ['credentials', true],
      ['server version', true],
      ['schema version', true],
      ['grants', true],
    ]);
  });

  it('listUsers pages the users that have conversations', async () => {
    const table = freshTable(backend);
    const store = createClickHouseStore({ client: backend.client }, { table, autoCreate: true });
    for (const u of ['carol', 'alice', 'bob', 'dave']) await store.upsert({ id: 'c', userId: u, messages: [] });
    await store.delete('dave', 'c');
    const first = await store.listUsers({ limit: 2 });
    expect(first).toEqual({ items: ['alice', 'bob'], nextCursor: 'bob' });
    expect(await store.listUsers({ limit: 2, cursor: first.nextCursor! })).toEqual({
      items: ['carol'],
      nextCursor: null,
    });
  });

  it('a closed store refuses further calls and leaves a client it was given open', async () => {
    const table = freshTable(backend);
    const store = createClickHouseStore({ client: backend.client }, { table, autoCreate: true });
    await store.upsert({ id: 'c', userId: 'u', messages: [] });
    await store.close();
    expect((await failure(store.get('u', 'c'))).message).toContain('closed');
    expect(await backend.rows('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
