// The database user needs only what the spec lists: CREATE (tables, indexes) plus SELECT, INSERT, UPDATE, DELETE on its schema;
// the default schema, agent_conversations, is created by the store (CREATE on the database) or once by an admin.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPostgresStore, migrationFiles, type PostgresStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';

let db: TestDatabase;
const roles: string[] = [];
const stores: PostgresStore[] = [];

/** Creates a login role with nothing granted and returns a URL for it on the test database. */
async function role(): Promise<{ name: string; url: string }> {
  const name = `ac_role_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(9).toString('hex');
  await db.pool.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
  roles.push(name);
  const url = new URL(db.url);
  url.username = name;
  url.password = password;
  return { name, url: url.toString() };
}
function open(url: string, schema: string): PostgresStore {
  const store = createPostgresStore({ connectionString: url }, { schema });
  stores.push(store);
  return store;
}
async function roundTrip(store: PostgresStore): Promise<void> {
  await store.upsert({ userId: 'u', id: 'c', messages: [{ id: 'm1', role: 'user', content: 'hello' }] });
  await store.append('u', 'c', [{ id: 'm2', role: 'assistant', content: 'hi' }], { usage: { inputTokens: 3 } });
  await store.update('u', 'c', { title: 'Greeting' });
  expect((await store.list('u')).items.map((m) => m.title)).toEqual(['Greeting']);
  expect((await store.get('u', 'c'))?.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
  expect(await store.delete('u', 'c')).toBe(true);
}

beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'privileges');
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await db.drop();
  const admin = new pg.Client({ connectionString: inject('pgUrl') });
  await admin.connect();
  for (const name of roles) await admin.query(`DROP ROLE IF EXISTS ${name}`);
  await admin.end();
});

describe('privileges', () => {
  it('USAGE and CREATE on the schema are enough to migrate and use the store', async () => {
    const { name, url } = await role();
    await db.pool.query(`CREATE SCHEMA app_owned; GRANT USAGE, CREATE ON SCHEMA app_owned TO ${name}`);
    const store = open(url, 'app_owned');
    await roundTrip(store);
    expect((await store.diagnose()).filter((c) => !c.ok)).toEqual([]);
  });

  it('after the SQL files were applied in CI, SELECT/INSERT/UPDATE/DELETE alone are enough (no DDL at run time)', async () => {
    const { name, url } = await role();
    await db.pool.query('CREATE SCHEMA ci_migrated');
    for (const file of migrationFiles({ schema: 'ci_migrated' })) await db.pool.query(file.sql);
    await db.pool.query(
      `GRANT USAGE ON SCHEMA ci_migrated TO ${name}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ci_migrated TO ${name}`,
    );
    const store = open(url, 'ci_migrated');
    await roundTrip(store);
    expect((await store.diagnose()).filter((c) => !c.ok)).toEqual([]);
  });

  it('without CREATE on a schema that needs migrating, the error is UNAUTHORIZED and says what to grant', async () => {
    const { name, url } = await role();
    await db.pool.query(`CREATE SCHEMA read_only; GRANT USAGE ON SCHEMA read_only TO ${name}`);
    const store = open(url, 'read_only');
    const error = await store.list('u').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
    expect((error as Error).message).toMatch(/grant CREATE/);
    const grants = (await store.diagnose()).find((c) => c.name === 'grants');
    expect(grants).toMatchObject({ ok: false, detail: expect.stringMatching(/CREATE on schema "read_only"/) });
  });

  it('the default schema: without CREATE on the database the store says how to get it; once an admin creates it for the user, it works', async () => {
    const { name, url } = await role();
    const denied = createPostgresStore({ connectionString: url });
    stores.push(denied);
    const error = await denied.list('u').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
    expect((error as Error).message).toMatch(
      /grant CREATE on the database, have an admin create the schema \(CREATE SCHEMA agent_conversations AUTHORIZATION <user>\)/,
    );
    const grants = (await denied.diagnose()).find((c) => c.name === 'grants');
    expect(grants).toMatchObject({
      ok: false,
      detail: expect.stringContaining(`CREATE SCHEMA "agent_conversations" AUTHORIZATION "${name}"`),
    });

    await db.pool.query(`CREATE SCHEMA agent_conversations AUTHORIZATION ${name}`);
    const store = createPostgresStore({ connectionString: url });
    stores.push(store);
    expect(store.tables.schema).toBe('agent_conversations');
    await roundTrip(store);
    expect((await store.diagnose()).filter((c) => !c.ok)).toEqual([]);
  });
});
