import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPostgresStore, LATEST_VERSION, migrationFiles, type PostgresStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';

/** Resolves with everything the child printed once `done(output)` holds; rejects when it exits first. */
function output(child: ChildProcessWithoutNullStreams, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (done(text)) resolve(text);
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`migrate child exited with ${code}: ${errors}`)));
  });
}
const databases: TestDatabase[] = [];
const stores: PostgresStore[] = [];
async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase(inject('pgUrl'), 'migrations');
  databases.push(db);
  return db;
}
function open(db: TestDatabase, options: Parameters<typeof createPostgresStore>[1] = {}): PostgresStore {
  const store = createPostgresStore({ connectionString: db.url }, options);
  stores.push(store);
  return store;
}
async function versions(db: TestDatabase): Promise<number[]> {
  const { rows } = await db.pool.query<{ version: number }>(
    'SELECT version FROM agent_conversations.agent_schema_migrations ORDER BY version',
  );
  return rows.map((r) => r.version);
}
async function indexes(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ indexname: string }>(
    "SELECT indexname FROM pg_indexes WHERE schemaname = 'agent_conversations' AND tablename LIKE 'agent_%' ORDER BY 1",
  );
  return rows.map((r) => r.indexname);
}

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(databases.map((d) => d.drop()));
});

describe('migrations', () => {
  it('migrate() on a fresh database creates the tables, the indexes and the version rows; a re-run is a no-op', async () => {
    const db = await freshDatabase();
    const store = open(db, { autoMigrate: false });
    const first = await store.migrate();
    expect({ from: first.from, to: first.to, steps: first.steps.map((s) => s.version) }).toEqual({
      from: 0,
      to: LATEST_VERSION,
      steps: [1, 2, 3],
    });
    expect(await versions(db)).toEqual([1, 2, 3]);
    expect(await indexes(db)).toEqual([
      'agent_conversations_list_idx',
      'agent_conversations_pkey',
      'agent_messages_message_id_key',
      'agent_messages_pkey',
      'agent_schema_migrations_pkey',
    ]);
    expect(await store.migrate()).toEqual({ from: 3, to: 3, steps: [] });
    expect(await versions(db)).toEqual([1, 2, 3]);
  });

  it('the first call migrates when autoMigrate is on (the default)', async () => {
    const db = await freshDatabase();
    const store = open(db);
    expect(await store.list('someone')).toEqual({ items: [], nextCursor: null });
    expect(await versions(db)).toEqual([1, 2, 3]);
  });

  it('with autoMigrate off, a call on an unmigrated database is a CONFIG error that says to migrate', async () => {
    const db = await freshDatabase();
    const store = open(db, { autoMigrate: false });
    const error = await store.list('someone').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG', retryable: false });
    expect((error as Error).message).toMatch(/migrate\(\)/);
  });

  it('a database at an older version (v1, applied from the shipped SQL file) is upgraded and keeps its data', async () => {
    const db = await freshDatabase();
    await db.pool.query(migrationFiles()[0]!.sql);
    await db.pool.query(
      `INSERT INTO agent_conversations.agent_conversations (user_id, id, title, message_count, created_at, updated_at, version) VALUES ('alice', 'old', 'From v1', 1, 1, 2, 1)`,
    );
    await db.pool.query(
      `INSERT INTO agent_conversations.agent_messages VALUES ('alice', 'old', 1, 'm1', 'h', '{"id":"m1","role":"user","content":"hi"}')`,
    );
    expect(await versions(db)).toEqual([1]);
    const store = open(db);
    const report = await store.migrate();
    expect({ from: report.from, steps: report.steps.map((s) => s.version) }).toEqual({ from: 1, steps: [2, 3] });
    expect(await indexes(db)).toContain('agent_conversations_list_idx');
    expect((await store.list('alice')).items.map((m) => m.title)).toEqual(['From v1']);
    expect((await store.get('alice', 'old'))?.messages).toEqual([{ id: 'm1', role: 'user', content: 'hi' }]);
  });

  it('a database newer than the package is refused with a CONFIG error, and nothing is written', async () => {
    const db = await freshDatabase();
    await open(db).migrate();
    await db.pool.query(
      "INSERT INTO agent_conversations.agent_schema_migrations (version, name) VALUES (99, 'from the future')",
    );
    const store = open(db);
    await expect(store.upsert({ userId: 'u', id: 'c', messages: [] })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/version 99/),
    });
    expect(
      (await db.pool.query('SELECT count(*)::int AS n FROM agent_conversations.agent_conversations')).rows,
    ).toEqual([{ n: 0 }]);
  });

  it('refuses a database whose encoding is not UTF8', async () => {
    const admin = new pg.Client({ connectionString: inject('pgUrl') });
    const db = await freshDatabase();
    const name = `${db.name}_ascii`;
    await admin.connect();
    try {
      await admin.query(
        `CREATE DATABASE "${name}" ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
      );
      const url = new URL(db.url);
      url.pathname = `/${name}`;
      const store = createPostgresStore({ connectionString: url.toString() });
      stores.push(store);
      await expect(store.migrate()).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringMatching(/UTF8/) });
      await store.close();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('concurrent migrations', () => {
  it('several processes migrating one fresh database at once apply each version exactly once', async () => {
    const db = await freshDatabase();
    const script = fileURLToPath(new URL('./support/migrate-child.ts', import.meta.url));
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const children = [1, 2, 3].map(() => spawn(process.execPath, ['--import', 'tsx', script, db.url], { cwd }));
    const finished = children.map((child) => output(child, (text) => text.trim().split('\n').length === 2));
    await Promise.all(children.map((child) => output(child, (text) => text.startsWith('ready'))));
    for (const child of children) child.stdin.write('go\n'); // all loaded: they start migrating together
    const results = (await Promise.all(finished)).map(
      (text) => JSON.parse(text.trim().split('\n')[1]!) as { from: number; to: number; applied: number[] },
    );
    expect(results.every((r) => r.to === LATEST_VERSION)).toBe(true);
    expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2, 3]);
    expect(await versions(db)).toEqual([1, 2, 3]);
  });

  it('several stores using a fresh database at once (auto-migrate on first use) all succeed', async () => {
    const db = await freshDatabase();
    const group = Array.from({ length: 5 }, () => open(db));
    const metas = await Promise.all(group.map((store, i) => store.upsert({ userId: 'u', id: `c${i}`, messages: [] })));
    expect(metas.map((m) => m.version)).toEqual([1, 1, 1, 1, 1]);
    expect(await versions(db)).toEqual([1, 2, 3]);
  });

  it('stores with different table prefixes creating the default schema at once all succeed (it is created once)', async () => {
    const db = await freshDatabase();
    const group = ['a_', 'b_', 'c_', 'd_'].map((tablePrefix) => open(db, { tablePrefix }));
    const reports = await Promise.all(group.map((store) => store.migrate()));
    expect(reports.map((r) => r.to)).toEqual([LATEST_VERSION, LATEST_VERSION, LATEST_VERSION, LATEST_VERSION]);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'agent_conversations' AND tablename LIKE '%_conversations'",
    );
    expect(rows).toEqual([{ n: 4 }]);
  });
});

describe('shipped SQL files', () => {
  const dir = fileURLToPath(new URL('../migrations/', import.meta.url));

  it('match the migrations the store applies (regenerate with npm run migrations:write)', () => {
    const shipped = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const rendered = migrationFiles();
    expect(shipped).toEqual(rendered.map((f) => f.fileName));
    for (const file of rendered) expect(readFileSync(`${dir}${file.fileName}`, 'utf8'), file.fileName).toBe(file.sql);
  });

  it('applied in CI (and applied twice), they leave a database the store uses without migrating again', async () => {
    const db = await freshDatabase();
    for (let round = 0; round < 2; round++) {
      for (const file of readdirSync(dir).sort()) await db.pool.query(readFileSync(`${dir}${file}`, 'utf8'));
    }
    expect(await versions(db)).toEqual([1, 2, 3]);
    const store = open(db);
    expect(await store.migrate()).toEqual({ from: 3, to: 3, steps: [] });
    await store.upsert({ userId: 'u', id: 'c', messages: [{ id: 'm', role: 'user', content: 'hi' }] });
    expect((await store.get('u', 'c'))?.title).toBe('hi');
  });
});
