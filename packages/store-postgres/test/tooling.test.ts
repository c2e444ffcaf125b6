// Timeouts and the tooling members (listUsers, migrate dry run, diagnose), on the shared test server.
import { describe, expect, it } from 'vitest';
import { msg, uid, useTestDatabase } from './support/stores.js';

const ctx = useTestDatabase('tooling');
const { open } = ctx;

describe('timeouts', () => {
  it('a statement stuck on a lock past statementTimeoutMs is UNAVAILABLE and retryable; the store keeps working', async () => {
    const [u, c] = [uid('u'), uid('c')];
    const store = open({ statementTimeoutMs: 300 });
    await store.upsert({ userId: u, id: c, messages: [] });
    const blocker = await ctx.db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        'SELECT 1 FROM agent_conversations.agent_conversations WHERE user_id = $1 AND id = $2 FOR UPDATE',
        [u, c],
      );
      await expect(store.append(u, c, [msg('1', 'blocked')])).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        retryable: true,
      });
      await blocker.query('ROLLBACK');
    } finally {
      blocker.release();
    }
    const meta = await store.append(u, c, [msg('1', 'after the lock')]);
    expect(meta.messageCount).toBe(1);
  });

  it('a get the server never answers (no server-side timeout behind a pooler) fails at the read timeout; the next get works', async () => {
    const [u, c] = [uid('u'), uid('c')];
    // pgbouncer mode sends no statement_timeout, so only the client's read timeout (statementTimeoutMs + 1 s) can end the wait.
    const store = open({ statementTimeoutMs: 200, pgbouncer: true, poolSize: 1, tablePrefix: 'stuck_' });
    await store.upsert({ userId: u, id: c, messages: [msg('1', 'one'), msg('2', 'two', 'assistant')] });
    const blocker = await ctx.db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE agent_conversations.stuck_messages IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      await expect(store.get(u, c)).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_100);
      await blocker.query('ROLLBACK');
    } finally {
      blocker.release();
    }
    expect((await store.get(u, c))?.messages.map((m) => m.id)).toEqual(['1', '2']);
  });

  it('so does an append; as documented it may still commit on the server, and retrying it never makes a second copy', async () => {
    const [u, c] = [uid('u'), uid('c')];
    const store = open({ statementTimeoutMs: 200, pgbouncer: true, poolSize: 1, tablePrefix: 'stuck2_' });
    await store.upsert({ userId: u, id: c, messages: [msg('1', 'one')] });
    const blocker = await ctx.db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE agent_conversations.stuck2_conversations IN ACCESS EXCLUSIVE MODE');
      await expect(store.append(u, c, [msg('2', 'two')])).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        retryable: true,
        message: expect.stringContaining('Query read timeout'),
      });
      await blocker.query('ROLLBACK');
    } finally {
      blocker.release();
    }
    // The server runs the abandoned statement once the lock is gone and only notices the closed socket when it replies (unless
    // client_connection_check_interval is set): wait until it is done, then retrying the same message is safe either way.
    const abandoned =
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%stuck2_messages%' AND state <> 'idle' AND pid <> pg_backend_pid()";
    await expect.poll(async () => (await ctx.db.pool.query<{ n: number }>(abandoned)).rows[0]!.n).toBe(0);
    const landed = (await store.get(u, c))!.messageCount === 2;
    if (landed) await expect(store.append(u, c, [msg('2', 'two')])).rejects.toMatchObject({ code: 'CONFLICT' });
    else expect((await store.append(u, c, [msg('2', 'two')])).messageCount).toBe(2);
    expect((await store.get(u, c))?.messages.map((m) => m.id)).toEqual(['1', '2']);
  });
});

describe('listUsers, migrate dry run and diagnose', () => {
  it('listUsers pages the user ids that have conversations, ascending', async () => {
    const store = open({ tablePrefix: 'users_' });
    for (const u of ['carol', 'alice', 'bob', 'alice']) await store.upsert({ userId: u, id: uid('c'), messages: [] });
    const first = await store.listUsers({ limit: 2 });
    expect(first).toEqual({ items: ['alice', 'bob'], nextCursor: 'bob' });
    expect(await store.listUsers({ limit: 2, cursor: 'bob' })).toEqual({ items: ['carol'], nextCursor: null });
    await expect(store.listUsers({ limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('migrate({ dryRun: true }) lists the pending steps with their SQL and changes nothing', async () => {
    const store = open({ schema: 'dry_run_only', autoMigrate: false });
    const plan = await store.migrate({ dryRun: true });
    expect(plan.from).toBe(0);
    expect(plan.steps.map((s) => s.version)).toEqual([1, 2, 3]);
    expect(plan.steps[0]!.sql).toContain('CREATE TABLE IF NOT EXISTS "dry_run_only"."agent_conversations"');
    const { rowCount } = await ctx.db.pool.query("SELECT 1 FROM pg_namespace WHERE nspname = 'dry_run_only'");
    expect(rowCount).toBe(0);
  });

  it('diagnose reports reachable, credentials, server version, encoding, schema version and grants', async () => {
    const store = open();
    await store.migrate();
    const checks = await store.diagnose();
    expect(checks.map((c) => c.name)).toEqual([
      'reachable',
      'credentials',
      'server version',
      'encoding',
      'schema version',
      'grants',
    ]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(JSON.stringify(checks)).not.toContain(new URL(ctx.db.url).password);
  });
});
