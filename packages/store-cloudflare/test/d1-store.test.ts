import type { Message } from '@agent-conversations/core';
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createD1Store, migrateD1, MIGRATIONS } from '../src/index.js';
import { d1Messages } from './helpers.js';

const user = (): string => `user-${crypto.randomUUID()}`;
const text = (id: string, role: string, body: string): Message => ({ id, role, parts: [{ type: 'text', text: body }] });
const many = (n: number, prefix: string): Message[] =>
  Array.from({ length: n }, (_, i) => text(`${prefix}-${i}`, i % 2 ? 'assistant' : 'user', `${prefix} ${i}`));

async function tables(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'agent_%' ORDER BY name")
    .all<{ name: string }>();
  return results.map((r) => r.name);
}

beforeAll(() => applyD1Migrations(env.CONVERSATIONS_D1, env.TEST_MIGRATIONS));

describe('D1 migrations from code', () => {
  it('dry run lists the pending step, migrate applies it once and records it where wrangler does', async () => {
    const db = env.CODE_MIGRATED_D1;
    const plan = await migrateD1(db, { dryRun: true });
    expect(plan).toMatchObject({
      from: 0,
      to: 2,
      steps: [
        { version: 1, name: '0001_init.sql' },
        { version: 2, name: '0002_prefix_digest.sql' },
      ],
    });
    expect(await tables(db)).toEqual([]);

    expect(await migrateD1(db)).toMatchObject({
      from: 0,
      to: 2,
      steps: [{ name: '0001_init.sql' }, { name: '0002_prefix_digest.sql' }],
    });
    expect(await tables(db)).toEqual(['agent_conversation_messages', 'agent_conversations']);
    const { results } = await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>();
    expect(results.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await migrateD1(db)).toEqual({ from: 2, to: 2, steps: [] });
  });

  it('sees the steps wrangler applied from migrations/*.sql as done', async () => {
    expect(await migrateD1(env.CONVERSATIONS_D1, { dryRun: true })).toEqual({ from: 2, to: 2, steps: [] });
  });

  it('a store on an unmigrated database fails with CONFIG naming the migrate command, and diagnose says so', async () => {
    const store = createD1Store({ binding: env.EMPTY_D1 });
    await expect(store.list(user())).rejects.toMatchObject({
      name: 'ConversationStoreError',
      code: 'CONFIG',
      adapter: 'd1',
      message: expect.stringContaining('migrate'),
    });
    const checks = await store.diagnose();
    expect(checks).toEqual([
      { name: 'reachable', ok: true, detail: expect.any(String) },
      { name: 'schema version', ok: false, detail: expect.stringContaining('latest is 2') },
    ]);
    expect(await tables(env.EMPTY_D1)).toEqual([]);
  });

  it('with autoMigrate the store creates the schema before its first query', async () => {
    const store = createD1Store({ binding: env.AUTO_D1, autoMigrate: true });
    const u = user();
    await store.upsert({ id: 'c', userId: u, messages: many(2, 'm') });
    expect((await store.get(u, 'c'))?.messageCount).toBe(2);
    expect((await store.diagnose()).every((c) => c.ok)).toBe(true);
  });
});

describe('D1 store', () => {
  const store = createD1Store({ binding: env.CONVERSATIONS_D1 });

  it('an append whose last message repeats a stored id writes none of its messages, across several statements of the batch', async () => {
    const u = user();
    await store.upsert({ id: 'c', userId: u, messages: many(3, 'old') });
    const batch = [...many(120, 'new'), text('old-1', 'user', 'again')]; // three INSERT statements; the duplicate is in the last
    await expect(store.append(u, 'c', batch, { usage: { inputTokens: 5 } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('"old-1"'),
    });
    expect((await d1Messages(env.CONVERSATIONS_D1, u, 'c')).map((m) => m.id)).toEqual(['old-0', 'old-1', 'old-2']);
    expect(await store.get(u, 'c')).toMatchObject({ version: 1, messageCount: 3 });
    expect((await store.get(u, 'c'))?.usage).toBeUndefined();
  });

  it('appends hundreds of messages in one call, in order', async () => {
    const u = user();
    await store.upsert({ id: 'c', userId: u, messages: [] });
    const messages = many(250, 'bulk');
    await store.append(u, 'c', messages);
    expect((await d1Messages(env.CONVERSATIONS_D1, u, 'c')).map((m) => m.id)).toEqual(messages.map((m) => m.id));
  });

  it('an upsert writes only from the first changed message on', async () => {
    const db = env.CONVERSATIONS_D1;
    const u = `traced-${crypto.randomUUID()}`;
    // Triggers log every row written or deleted for this user: the witness of what the upsert touched.
    await db.batch([
      db.prepare('CREATE TABLE IF NOT EXISTS test_writes (user_id TEXT, op TEXT, message_id TEXT)'),
      db.prepare(
        "CREATE TRIGGER IF NOT EXISTS test_log_insert AFTER INSERT ON agent_conversation_messages WHEN NEW.user_id LIKE 'traced-%' BEGIN INSERT INTO test_writes VALUES (NEW.user_id, 'insert', NEW.message_id); END",
      ),
      db.prepare(
        "CREATE TRIGGER IF NOT EXISTS test_log_delete AFTER DELETE ON agent_conversation_messages WHEN OLD.user_id LIKE 'traced-%' BEGIN INSERT INTO test_writes VALUES (OLD.user_id, 'delete', OLD.message_id); END",
      ),
    ]);
    const first = many(6, 'm');
    await store.upsert({ id: 'c', userId: u, messages: first });
    await db.prepare('DELETE FROM test_writes WHERE user_id = ?').bind(u).run();
    const edited = [...first.slice(0, 4), text('m-4', 'user', 'edited'), first[5]!];
    await store.upsert({ id: 'c', userId: u, messages: edited });
    const { results } = await db
      .prepare('SELECT op, message_id FROM test_writes WHERE user_id = ? ORDER BY rowid')
      .bind(u)
      .all();
    expect(results).toEqual([
      { op: 'delete', message_id: 'm-4' },
      { op: 'delete', message_id: 'm-5' },
      { op: 'insert', message_id: 'm-4' },
      { op: 'insert', message_id: 'm-5' },
    ]);
    expect(await d1Messages(db, u, 'c')).toEqual(edited);
  });

  it('an upsert of a list that starts with the stored messages writes only the new ones, also after an append and over a row without a digest', async () => {
    const db = env.CONVERSATIONS_D1;
    const u = `traced-${crypto.randomUUID()}`;
    const writes = async () =>
      (await db.prepare('SELECT op, message_id FROM test_writes WHERE user_id = ? ORDER BY rowid').bind(u).all())
        .results;
    const prefix = () =>
      db
        .prepare('SELECT prefix_count FROM agent_conversations WHERE user_id = ? AND id = ?')
        .bind(u, 'c')
        .first('prefix_count');
    let list = many(4, 'm');
    await store.upsert({ id: 'c', userId: u, messages: list });
    list = [...list, text('m-4', 'assistant', 'appended')];
    await store.append(u, 'c', list.slice(4));
    expect(await prefix()).toBe(4); // append leaves the digest; the fingerprint of m-4 covers it
    await db.prepare('DELETE FROM test_writes WHERE user_id = ?').bind(u).run();
    list = [...list, text('m-5', 'user', 'five'), text('m-6', 'assistant', 'six')];
    expect(await store.upsert({ id: 'c', userId: u, messages: list })).toMatchObject({ messageCount: 7, version: 3 });
    expect(await writes()).toEqual([
      { op: 'insert', message_id: 'm-5' },
      { op: 'insert', message_id: 'm-6' },
    ]);
    expect(await prefix()).toBe(7);
    // A row from before migration 2 has no digest: its messages are compared by fingerprint and kept.
    await db
      .prepare('UPDATE agent_conversations SET prefix_count = 0, prefix_digest = NULL WHERE user_id = ?')
      .bind(u)
      .run();
    await db.prepare('DELETE FROM test_writes WHERE user_id = ?').bind(u).run();
    list = [...list, text('m-7', 'user', 'seven')];
    await store.upsert({ id: 'c', userId: u, messages: list });
    expect(await writes()).toEqual([{ op: 'insert', message_id: 'm-7' }]);
    expect(await d1Messages(db, u, 'c')).toEqual(list);
  });

  it('the save of a turn as an upsert of the whole list is one batch with no read first, inserting only the new messages', async () => {
    const db = env.CONVERSATIONS_D1;
    const u = `traced-${crypto.randomUUID()}`;
    // Counts the round trips to D1: one per batch() and one per statement run alone.
    let trips = 0;
    type Counted = { all(): Promise<{ results?: unknown[] }>; real: D1PreparedStatement };
    const counted = {
      prepare: (query: string) => ({
        bind: (...values: unknown[]): Counted => {
          const real = db.prepare(query).bind(...values);
          return { real, all: () => (trips++, real.all()) };
        },
      }),
      batch: (statements: Counted[]) => (trips++, db.batch(statements.map((s) => s.real))),
    };
    const traced = createD1Store({ binding: counted as never });
    const writes = async () =>
      (await db.prepare('SELECT op, message_id FROM test_writes WHERE user_id = ? ORDER BY rowid').bind(u).all())
        .results;
    let list = many(30, 'm');
    await traced.upsert({ id: 'c', userId: u, messages: list });
    await db.prepare('DELETE FROM test_writes WHERE user_id = ?').bind(u).run();
    trips = 0;
    list = [...list, text('m-30', 'user', 'question'), text('m-31', 'assistant', 'answer')];
    expect(await traced.upsert({ id: 'c', userId: u, messages: list })).toMatchObject({ messageCount: 32, version: 2 });
    expect(trips).toBe(1);
    expect(await writes()).toEqual([
      { op: 'insert', message_id: 'm-30' },
      { op: 'insert', message_id: 'm-31' },
    ]);
    // The same list again writes no message; a stale expectedVersion is CONFLICT and writes nothing.
    expect(await traced.upsert({ id: 'c', userId: u, messages: list, title: 'Named' })).toMatchObject({
      messageCount: 32,
      version: 3,
      title: 'Named',
    });
    await expect(
      traced.upsert({ id: 'c', userId: u, messages: [...list, text('m-32', 'user', 'late')] }, { expectedVersion: 2 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await writes()).toEqual([
      { op: 'insert', message_id: 'm-30' },
      { op: 'insert', message_id: 'm-31' },
    ]);
    // A changed earlier message does not match the stored digest: the general path rewrites from it.
    list = [...list];
    list[3] = text('m-3', 'assistant', 'edited');
    await traced.upsert({ id: 'c', userId: u, messages: list });
    expect(await d1Messages(db, u, 'c')).toEqual(list);
    expect(await traced.get(u, 'c')).toMatchObject({ title: 'Named', messageCount: 32, version: 4 });
  });

  it('keeps usage totals in plain columns that SQL can query', async () => {
    const u = user();
    await store.upsert({ id: 'c', userId: u, messages: [] });
    await store.append(u, 'c', many(1, 'a'), { usage: { inputTokens: 100, costUsd: 0.25 } });
    await store.append(u, 'c', many(1, 'b'), { usage: { inputTokens: 20, outputTokens: 7, costUsd: 0.5 } });
    const row = await env.CONVERSATIONS_D1.prepare(
      'SELECT input_tokens, output_tokens, cost_usd, message_count FROM agent_conversations WHERE user_id = ?',
    )
      .bind(u)
      .first();
    expect(row).toEqual({ input_tokens: 120, output_tokens: 7, cost_usd: 0.75, message_count: 2 });
  });

  it('lists the users that have conversations, ascending, page by page', async () => {
    const prefix = `lu-${crypto.randomUUID()}`;
    const users = [`${prefix}-c`, `${prefix}-a`, `${prefix}-b`];
    for (const u of users) await store.upsert({ id: 'c', userId: u, messages: [] });
    const seen: string[] = [];
    let cursor: string | undefined = `${prefix}-`;
    for (;;) {
      const page: { items: string[]; nextCursor: string | null } = await store.listUsers({ limit: 2, cursor });
      seen.push(...page.items.filter((u) => u.startsWith(prefix)));
      if (!page.nextCursor || !page.items.every((u) => u.startsWith(prefix))) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...users].sort());
  });
});
