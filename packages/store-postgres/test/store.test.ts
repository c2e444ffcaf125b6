// What the Postgres store guarantees beyond the shared suite, checked in the tables themselves.
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { createPostgresStore } from '../src/index.js';
import { scanInput } from '@agent-conversations/core';
import { buildQueries } from '../src/queries.js';
import { extendParams, TAIL_WINDOW, type StateRow } from '../src/upsert.js';
import { msg, uid, useTestDatabase } from './support/stores.js';

const ctx = useTestDatabase('store');
const { open } = ctx;

interface RowVersion {
  seq: number;
  message_id: string;
  json: string;
  /** Physical location plus creating transaction: unchanged means the row was not rewritten. */
  version: string;
}
async function rows(userId: string, id: string): Promise<RowVersion[]> {
  const { rows: found } = await ctx.db.pool.query<RowVersion>(
    'SELECT seq, message_id, json, ctid::text || xmin::text AS version FROM agent_conversations.agent_messages WHERE user_id = $1 AND conversation_id = $2 ORDER BY seq',
    [userId, id],
  );
  return found;
}

describe('storage layout', () => {
  it('stores one row per message, numbered 1..n, holding the exact JSON text (NUL as the \\u0000 escape)', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    const messages = [
      msg('a', 'hello\u0000world'),
      msg('b', 'second', 'assistant'),
      { id: 'c', role: 'user', content: 'lone \ud800' },
    ];
    await store.upsert({ userId: u, id: c, messages });
    const stored = await rows(u, c);
    expect(stored.map((r) => [r.seq, r.message_id])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(stored.map((r) => r.json)).toEqual(messages.map((m) => JSON.stringify(m)));
    expect(stored[0]!.json).toContain('hello\\u0000world');
    // The hash the store sends equals SHA-256 of the stored JSON computed by the server (what earlier versions stored).
    const { rows: hashes } = await ctx.db.pool.query(
      "SELECT hash = encode(sha256(convert_to(json, 'UTF8')), 'base64') AS same FROM agent_conversations.agent_messages WHERE user_id = $1 AND conversation_id = $2",
      [u, c],
    );
    expect(hashes).toEqual([{ same: true }, { same: true }, { same: true }]);
    const { rows: conv } = await ctx.db.pool.query(
      'SELECT message_count, version FROM agent_conversations.agent_conversations WHERE user_id = $1 AND id = $2',
      [u, c],
    );
    expect(conv).toEqual([{ message_count: 3, version: 1 }]);
  });

  it('an append writes only its new rows; the stored ones are not touched', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({
      userId: u,
      id: c,
      messages: [msg('1', 'one'), msg('2', 'two', 'assistant'), msg('3', 'three')],
    });
    const before = await rows(u, c);
    await store.append(u, c, [msg('4', 'four', 'assistant')]);
    const after = await rows(u, c);
    expect(after.slice(0, 3)).toEqual(before);
    expect(after.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('an upsert rewrites only from the first changed message (AI SDK continuation keeps the prefix rows)', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    const first = [
      msg('1', 'héllo 👋🏽 \u0000 \ud800'),
      msg('2', 'two', 'assistant'),
      msg('3', 'three'),
      msg('4', 'partial', 'assistant'),
    ];
    await store.upsert({ userId: u, id: c, messages: first });
    const before = await rows(u, c);
    const next = [...first.slice(0, 3), msg('4', 'partial answer, continued', 'assistant'), msg('5', 'next')];
    await store.upsert({ userId: u, id: c, messages: next });
    const after = await rows(u, c);
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
    expect(after[3]!.version).not.toBe(before[3]!.version);
    expect(after.map((r) => r.json)).toEqual(next.map((m) => JSON.stringify(m)));
    expect(after.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('an upsert of a list that starts with the stored messages writes only the new rows, also after appends and over rows from before the digest', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    const prefix = async () =>
      (
        await ctx.db.pool.query(
          'SELECT prefix_count, prefix_digest FROM agent_conversations.agent_conversations WHERE user_id = $1 AND id = $2',
          [u, c],
        )
      ).rows[0];
    let list = [msg('1', 'one'), msg('2', 'two', 'assistant'), msg('3', 'three')];
    await store.upsert({ userId: u, id: c, messages: list });
    expect(await prefix()).toMatchObject({ prefix_count: 3 });
    list = [...list, msg('4', 'appended', 'assistant')];
    await store.append(u, c, list.slice(3));
    expect(await prefix()).toMatchObject({ prefix_count: 3 }); // append leaves the digest; the hash of message 4 covers it
    const before = await rows(u, c);
    list = [...list, msg('5', 'five'), msg('6', 'six', 'assistant')];
    expect(await store.upsert({ userId: u, id: c, messages: list })).toMatchObject({ messageCount: 6, version: 3 });
    const after = await rows(u, c);
    expect(after.slice(0, 4)).toEqual(before);
    expect(after.map((r) => r.json)).toEqual(list.map((m) => JSON.stringify(m)));
    expect(await prefix()).toMatchObject({ prefix_count: 6 });
    // A row written before migration 3 has no digest: its messages are compared by hash, and the upsert still keeps them.
    await ctx.db.pool.query(
      'UPDATE agent_conversations.agent_conversations SET prefix_count = 0, prefix_digest = NULL WHERE user_id = $1 AND id = $2',
      [u, c],
    );
    list = [...list, msg('7', 'seven')];
    await store.upsert({ userId: u, id: c, messages: list });
    expect((await rows(u, c)).slice(0, 6)).toEqual(after);
    expect(await prefix()).toMatchObject({ prefix_count: 7 });
    // Bad input after an unchanged prefix is VALIDATION, and nothing is written.
    await expect(
      store.upsert({ userId: u, id: c, messages: [...list, { id: '8', role: 'user', n: Number.NaN }] }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await store.get(u, c))!).toMatchObject({ version: 4, messageCount: 7 });
  });

  it('the save of a turn as an upsert of the whole list is one statement, like append; more new messages or a changed one take the other paths', async () => {
    const store = open({ poolSize: 1 });
    const [u, c] = [uid('u'), uid('c')];
    let list = Array.from({ length: 20 }, (_, i) => msg(String(i), `message ${i}`, i % 2 ? 'assistant' : 'user'));
    await store.upsert({ userId: u, id: c, messages: list });
    const statements = async (work: () => Promise<unknown>): Promise<number> => {
      const spy = vi.spyOn(pg.Client.prototype, 'query');
      try {
        await work();
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    list = [...list, msg('20', 'question'), msg('21', 'answer', 'assistant')];
    expect(await statements(() => store.upsert({ userId: u, id: c, messages: list }))).toBe(1);
    expect(await statements(() => store.append(u, c, [msg('22', 'appended')]))).toBe(1);
    list = [...list, msg('22', 'appended')];
    const before = await rows(u, c);
    // Appended since the last upsert: the stored digest no longer covers every message, so the one statement matches no row.
    list = [...list, msg('23', 'next')];
    expect(await statements(() => store.upsert({ userId: u, id: c, messages: list }))).toBeGreaterThan(1);
    expect((await rows(u, c)).slice(0, 23)).toEqual(before);
    // More new messages than the statement carries (TAIL_WINDOW): the other path, still only the new rows.
    const after = await rows(u, c);
    list = [...list, ...Array.from({ length: TAIL_WINDOW + 1 }, (_, i) => msg(`n${i}`, `new ${i}`))];
    await store.upsert({ userId: u, id: c, messages: list });
    expect((await rows(u, c)).slice(0, 24)).toEqual(after);
    // A changed earlier message: the digest differs, the message and the ones after it are rewritten.
    list = [...list];
    list[5] = msg('5', 'edited', 'assistant');
    await store.upsert({ userId: u, id: c, messages: list, title: 'Kept' });
    const stored = await store.get(u, c);
    expect(stored!.messages).toEqual(list);
    expect(stored).toMatchObject({ title: 'Kept', messageCount: list.length });
    // And the stale version is refused by the one statement's condition as by the others.
    await expect(
      store.upsert({ userId: u, id: c, messages: [...list, msg('z', 'late')] }, { expectedVersion: 1 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('the unlocked write of an upsert matches no row when the conversation changed after it was read', async () => {
    const store = open();
    const q = buildQueries(store.tables);
    const [u, c] = [uid('u'), uid('c')];
    const list = [msg('1', 'one'), msg('2', 'two', 'assistant')];
    await store.upsert({ userId: u, id: c, messages: list });
    const input = scanInput({ userId: u, id: c, messages: [...list, msg('3', 'three')] });
    const [state] = (await store.pool.query<StateRow>(q.state, [u, c])).rows;
    await store.append(u, c, [msg('x', 'written in between', 'assistant')]); // the hazard: a write between the read and the write
    const params = extendParams(input, state!, Date.now());
    expect(params).not.toBeNull();
    expect((await store.pool.query(q.replace, params!)).rows).toEqual([]);
    // Through the store, the same upsert takes the locked path and rewrites from the message that differs.
    await store.upsert({ userId: u, id: c, messages: [...list, msg('3', 'three')] });
    expect((await rows(u, c)).map((r) => r.message_id)).toEqual(['1', '2', '3']);
  });

  it('opens connections under concurrent calls, and lends them to the app through store.pool, without any pg deprecation warning', async () => {
    const warnings: string[] = [];
    const listen = (warning: Error): void =>
      void (warning.name === 'DeprecationWarning' && warnings.push(warning.message));
    process.on('warning', listen);
    try {
      const store = open({ poolSize: 4 });
      const u = uid('u');
      // The app's own statements on the store's pool (as the bench's bare INSERTs) take fresh connections too.
      await Promise.all([
        ...Array.from({ length: 4 }, () => store.pool.query('SELECT 1')),
        ...Array.from({ length: 12 }, (_, i) => store.upsert({ userId: u, id: `c${i}`, messages: [msg('1', 'hi')] })),
      ]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
      // A connection the store has used runs the generic plan, for the app too. (With four connections, one that only
      // the app's SELECTs took may never have run a store statement, so check on a pool of one.)
      const single = open({ poolSize: 1 });
      await single.upsert({ userId: u, id: 'single', messages: [msg('1', 'hi')] });
      const { rows: found } = await single.pool.query("SELECT current_setting('plan_cache_mode') AS mode");
      expect(found[0].mode).toBe('force_generic_plan');
    } finally {
      process.off('warning', listen);
    }
  });

  it('an upsert that shortens the list deletes the tail rows', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ userId: u, id: c, messages: [msg('1', 'one'), msg('2', 'two'), msg('3', 'three')] });
    const meta = await store.upsert({ userId: u, id: c, messages: [msg('1', 'one')] });
    expect(meta.messageCount).toBe(1);
    expect((await rows(u, c)).map((r) => r.message_id)).toEqual(['1']);
  });

  it('a title derived from text with NUL or lone surrogates is clean display text; given titles and labels like that are refused', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    const meta = await store.upsert({
      userId: u,
      id: c,
      messages: [msg('1', 'nul\u0000 and lone \ud800 here')],
      model: 'm1',
      provider: 'p1',
    });
    expect(meta.title).toBe('nul and lone \ufffd here');
    expect(await store.get(u, c)).toMatchObject({ title: 'nul and lone \ufffd here', model: 'm1', provider: 'p1' });
    await expect(store.update(u, c, { title: '\u0001starts with a control character' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(store.update(u, c, { model: 'm\u0000' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(store.update(u, c, { provider: '\udc00p' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await store.update(u, c, { model: 'plain' });
    const { rows: raw } = await ctx.db.pool.query(
      'SELECT model, title FROM agent_conversations.agent_conversations WHERE id = $1',
      [c],
    );
    expect(raw).toEqual([{ model: 'plain', title: 'nul and lone \ufffd here' }]);
  });

  it('every call returns the same meta: writes and get (built as JSON by the server) and list (from the row)', async () => {
    const store = open();
    const [u, c, bare] = [`${uid('u')}\ud800`, uid('c'), uid('c')];
    const metadata = JSON.parse(
      '{"tag":null,"nested":{"n":null,"list":[null,1.5,"\\u0000"]},"__proto__":{"x":1},"":"empty key"}',
    ) as Record<string, unknown>;
    const created = await store.upsert({
      userId: u,
      id: c,
      messages: [msg('1', 'hello')],
      model: 'm1',
      metadata,
      usage: { inputTokens: 5, costUsd: 0.1 },
    });
    const appended = await store.append(u, c, [msg('2', 'hi', 'assistant')], {
      usage: { inputTokens: 2, durationMs: 1e15 },
    });
    const updated = await store.update(u, c, { provider: 'p\u00e9' });
    const { messages, ...got } = (await store.get(u, c))!;
    const listed = (await store.list(u)).items.find((m) => m.id === c);
    expect(messages).toHaveLength(2);
    expect(updated).toEqual({
      id: c,
      userId: u,
      title: 'hello',
      messageCount: 2,
      model: 'm1',
      provider: 'p\u00e9',
      usage: { inputTokens: 7, costUsd: 0.1, durationMs: 1e15 },
      metadata,
      createdAt: created.createdAt,
      updatedAt: updated.updatedAt,
      version: 3,
    });
    expect(Object.getPrototypeOf(updated.metadata)).toBe(Object.prototype); // "__proto__" is an own key, as JSON.parse makes it
    expect(appended).toEqual({ ...updated, provider: undefined, updatedAt: appended.updatedAt, version: 2 });
    expect(got).toEqual(updated);
    expect(listed).toEqual(updated);
    // Absent optional fields are left out, not undefined; usage appears once set, even with no counters.
    const plain = await store.upsert({ userId: u, id: bare, messages: [] });
    expect(Object.keys(plain).sort()).toEqual([
      'createdAt',
      'id',
      'messageCount',
      'title',
      'updatedAt',
      'userId',
      'version',
    ]);
    expect(Object.keys((await store.get(u, bare))!).sort()).toEqual([
      'createdAt',
      'id',
      'messageCount',
      'messages',
      'title',
      'updatedAt',
      'userId',
      'version',
    ]);
    expect((await store.upsert({ userId: u, id: bare, messages: [], usage: {} })).usage).toEqual({});
    expect((await store.get(u, bare))!.usage).toEqual({});
  });

  it('user ids and message ids that differ only in a lone surrogate stay distinct', async () => {
    const store = open();
    const c = uid('c');
    const base = uid('u');
    const [a, b] = [`${base}\ud800`, `${base}\ud801`];
    await store.upsert({ userId: a, id: c, messages: [msg('x\ud800', 'for a')] });
    expect(await store.get(b, c)).toBeNull();
    await store.upsert({ userId: b, id: c, messages: [] });
    await store.append(b, c, [msg('x\ud800', 'for b'), msg('x\ud801', 'another id')]);
    expect((await store.get(a, c))?.messages.map((m) => m.id)).toEqual(['x\ud800']);
    expect((await store.get(b, c))?.messages.map((m) => m.id)).toEqual(['x\ud800', 'x\ud801']);
    const users = await store.listUsers({ limit: 1000 });
    expect(users.items).toEqual(expect.arrayContaining([a, b]));
  });

  it('every statement the store runs on conversation data filters by user_id', () => {
    const q = buildQueries(open().tables);
    const statements = Object.entries(q)
      .filter(([name]) => name !== 'listUsers')
      .flatMap(([, sql]) => (Array.isArray(sql) ? sql : [sql])) as string[];
    expect(statements.length).toBeGreaterThan(10);
    for (const sql of statements) expect(sql, sql).toMatch(/WHERE (c\.)?user_id = \$1|VALUES \(\$1,/);
  });

  it('delete removes the message rows with the conversation (cascade)', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ userId: u, id: c, messages: [msg('1', 'one'), msg('2', 'two')] });
    expect(await store.delete(u, c)).toBe(true);
    expect(await rows(u, c)).toEqual([]);
  });

  it('a delete racing with appends leaves no message rows behind (recreating the id starts empty)', async () => {
    const [writer, deleter] = [open({ poolSize: 8 }), open()];
    const u = uid('u');
    for (let round = 0; round < 10; round++) {
      const c = `race-${round}`;
      await writer.upsert({ userId: u, id: c, messages: [msg('0', 'start')] });
      const appends = Array.from({ length: 8 }, (_, i) =>
        writer.append(u, c, [msg(`a${i}`, 'racing')]).catch((e: unknown) => e),
      );
      await Promise.all([deleter.delete(u, c), ...appends]);
      expect(await writer.get(u, c)).toBeNull();
      expect(await rows(u, c)).toEqual([]);
      await writer.upsert({ userId: u, id: c, messages: [] });
      expect((await writer.get(u, c))?.messages).toEqual([]);
    }
  });
});

describe('list', () => {
  it('is an index scan on (user_id, updated_at desc, id desc) for the first page and for cursor pages', async () => {
    const store = open();
    await store.migrate();
    const t = store.tables;
    const heavy = uid('heavy');
    await ctx.db.pool.query(
      `INSERT INTO ${t.conversations} (user_id, id, title, created_at, updated_at, version)
       SELECT CASE WHEN g % 4 = 0 THEN $1 ELSE 'other-' || (g % 500) END, 'conv-' || g, 'Conversation', 0, g * 7919 % 100000, 1
       FROM generate_series(1, 40000) AS g`,
      [heavy],
    );
    await ctx.db.pool.query(`ANALYZE ${t.conversations}`);
    const page = await store.list(heavy, { limit: 50 });
    const last = page.items[49]!;
    const q = buildQueries(t);
    const client = await ctx.db.pool.connect();
    try {
      for (const [sql, params] of [
        [q.list[0], [heavy, 51]],
        [q.list[1], [heavy, last.updatedAt, last.id, 51]],
      ] as const) {
        const { rows: plan } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [...params]);
        const text = plan.map((r) => r['QUERY PLAN']).join('\n');
        expect(text).toMatch(/Index Scan using agent_conversations_list_idx/);
        expect(text).not.toMatch(/\bSort\b/);
      }
    } finally {
      client.release();
    }
  });

  it('orders ids by code unit ("C" collation), like the memory store', async () => {
    const store = open();
    const u = uid('u');
    for (const id of ['b', 'B', 'a', '_', 'A', '0'])
      await store.upsert({ userId: u, id, messages: [], updatedAt: 1000 });
    const { items } = await store.list(u);
    expect(items.map((m) => m.id)).toEqual(['b', 'a', '_', 'B', 'A', '0']);
  });
});

describe('configuration', () => {
  it('schema and tablePrefix choose where the tables live; stores on different tables do not see each other', async () => {
    const custom = open({ schema: 'chat_app', tablePrefix: 'ai_' });
    const plain = open();
    const [u, c] = [uid('u'), uid('c')];
    await custom.upsert({ userId: u, id: c, messages: [msg('1', 'hi')] });
    const { rows: tables } = await ctx.db.pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'chat_app' ORDER BY 1",
    );
    expect(tables.map((r) => r.table_name)).toEqual(['ai_conversations', 'ai_messages', 'ai_schema_migrations']);
    expect(await plain.get(u, c)).toBeNull();
    expect((await custom.get(u, c))?.messages).toEqual([msg('1', 'hi')]);
  });

  it('uses a pool the app passes and leaves it open on close()', async () => {
    const pool = new pg.Pool({ connectionString: ctx.db.url, max: 2 });
    try {
      const store = createPostgresStore({ pool });
      const [u, c] = [uid('u'), uid('c')];
      await store.upsert({ userId: u, id: c, messages: [msg('1', 'hi')] });
      await store.close();
      expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
      await expect(store.get(u, c)).rejects.toMatchObject({ code: 'STORAGE' });
    } finally {
      await pool.end();
    }
  });

  it("a Prisma URL works: schema= stays Prisma's, pgbouncer=true sends no startup parameters and prepares no named statements", async () => {
    const url = new URL(ctx.db.url);
    url.search = '?schema=prisma_app&pgbouncer=true&connection_limit=1&connect_timeout=5';
    const store = open({}, url.toString());
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ userId: u, id: c, messages: [msg('1', 'hi')] });
    await store.get(u, c);
    expect(store.tables.conversations).toBe('"agent_conversations"."agent_conversations"');
    const { rows: prisma } = await store.pool.query("SELECT to_regclass('prisma_app.agent_conversations') AS t");
    expect(prisma).toEqual([{ t: null }]);
    const { rows: found } = await store.pool.query(
      "SELECT current_setting('statement_timeout') AS timeout, (SELECT count(*)::int FROM pg_prepared_statements) AS prepared",
    );
    expect(found).toEqual([{ timeout: '0', prepared: 0 }]);
    expect(store.pool.options.max).toBe(1);
  });

  it('a plain URL gets the statement timeout as a startup parameter and prepares its statements once per connection', async () => {
    const store = open({ statementTimeoutMs: 12_000, poolSize: 1 });
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ userId: u, id: c, messages: [msg('1', 'hi')] });
    await store.get(u, c);
    const { rows: found } = await store.pool.query(
      "SELECT current_setting('statement_timeout') AS timeout, (SELECT count(*)::int FROM pg_prepared_statements) AS prepared",
    );
    expect(found[0].timeout).toBe('12s');
    expect(found[0].prepared).toBeGreaterThan(2);
  });

  it('rejects bad input with VALIDATION before any I/O (even with no server)', async () => {
    const store = createPostgresStore({ connectionString: 'postgresql://nobody:secret@127.0.0.1:1/none' });
    await expect(store.upsert({ userId: '', id: 'c', messages: [] })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(store.append('u', 'c', [])).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(store.list('u', { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await store.close();
  });
});
