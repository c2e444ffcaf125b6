// A Drizzle-managed database and this store side by side, with the real drizzle-kit CLI against the real server:
// drizzle-kit never proposes to drop or change the store's tables. By default the store keeps them in its own
// schema, agent_conversations, which drizzle-kit does not look at (its schemaFilter defaults to ["public"]); a
// store kept in `public` needs drizzle-kit's tablesFilter: ['!agent_*'], and without it push drops the tables.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';

const fixture = fileURLToPath(new URL('./fixtures/drizzle/', import.meta.url));
const drizzleKit = join(dirname(createRequire(import.meta.url).resolve('drizzle-kit')), 'bin.cjs');
const databases: TestDatabase[] = [];
const stores: PostgresStore[] = [];
const outs: string[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(databases.map((d) => d.drop()));
  for (const out of outs) rmSync(out, { recursive: true, force: true });
});

/** Runs `drizzle-kit <command>` with the fixture's drizzle.config.ts (the app's config) against `db`; returns what it printed. */
function kit(db: TestDatabase, args: string[], env: Record<string, string> = {}): string {
  const run = spawnSync(process.execPath, [drizzleKit, ...args, '--config', 'drizzle.config.ts'], {
    cwd: fixture,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // no TTY: a question would fail the run rather than wait
    timeout: 120_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DRIZZLE_DATABASE_URL: db.url, ...env },
  });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) throw new Error(`drizzle-kit ${args.join(' ')} exited ${run.status}:\n${output}`);
  return output;
}

/** A fresh database with the store migrated and one conversation in it. */
async function withStore(db: TestDatabase, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const store = createPostgresStore({ connectionString: db.url }, options);
  stores.push(store);
  await store.upsert({
    userId: 'alice',
    id: 'c1',
    messages: [{ id: 'm1', role: 'user', content: 'kept through drizzle-kit' }],
  });
  return store;
}

async function fresh(label: string): Promise<TestDatabase> {
  const db = await createTestDatabase(inject('pgUrl'), label);
  databases.push(db);
  return db;
}

/** Tables per schema, outside the catalogs. */
async function tables(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ t: string }>(
    "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
  );
  return rows.map((r) => r.t);
}

const STORE_TABLES = ['agent_conversations', 'agent_messages', 'agent_schema_migrations'];

describe('beside drizzle-kit', () => {
  it('push creates the app tables, proposes nothing for the store (its own schema), and the conversation is still there', async () => {
    const db = await fresh('drizzle_push');
    const store = await withStore(db);
    const first = kit(db, ['push', '--verbose', '--force']);
    expect(first).toContain('CREATE TABLE "users"');
    expect(first).not.toMatch(/agent_/);
    expect(await tables(db)).toEqual([
      ...STORE_TABLES.map((t) => `agent_conversations.${t}`),
      'public.projects',
      'public.users',
    ]);
    expect(kit(db, ['push', '--verbose', '--force'])).toContain('No changes detected');
    expect((await store.get('alice', 'c1'))?.messages.map((m) => m.id)).toEqual(['m1']);
  });

  it('generate writes migrations without the store, and drizzle-kit migrate applies them beside it', async () => {
    const db = await fresh('drizzle_migrate');
    const store = await withStore(db);
    const out = mkdtempSync(join(tmpdir(), 'drizzle-out-'));
    outs.push(out);
    kit(db, ['generate'], { DRIZZLE_OUT: out });
    const sql = readdirSync(out)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => readFileSync(join(out, f), 'utf8'))
      .join('\n');
    expect(sql).toContain('CREATE TABLE "projects"');
    expect(sql).not.toMatch(/agent_/);
    kit(db, ['migrate'], { DRIZZLE_OUT: out });
    expect(await tables(db)).toEqual(
      expect.arrayContaining([
        'public.users',
        'public.projects',
        ...STORE_TABLES.map((t) => `agent_conversations.${t}`),
      ]),
    );
    expect((await store.get('alice', 'c1'))?.title).toBe('kept through drizzle-kit');
  });

  it("a store kept in public needs tablesFilter ['!agent_*']: with it push leaves the tables alone, without it push drops them", async () => {
    const db = await fresh('drizzle_public');
    kit(db, ['push', '--force']); // the app's tables first, so the later push has nothing to create (no rename question)
    const store = await withStore(db, { schema: 'public' });
    expect(kit(db, ['push', '--verbose', '--force'], { DRIZZLE_TABLES_FILTER: '!agent_*' })).toContain(
      'No changes detected',
    );
    expect((await store.get('alice', 'c1'))?.messages.map((m) => m.id)).toEqual(['m1']);

    const unfiltered = kit(db, ['push', '--verbose', '--force']);
    expect(unfiltered).toContain('DROP TABLE "agent_conversations" CASCADE');
    expect(await tables(db)).toEqual(['public.projects', 'public.users']);
  });
});
