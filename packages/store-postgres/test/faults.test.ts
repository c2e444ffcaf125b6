// Fault tolerance on a server of this file's own, which it stops and restarts.
import { ConversationStoreError, type Message } from '@agent-conversations/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../src/index.js';
import { freePort, startPgServer, type PgServer } from '@agent-conversations/pg-test-server';

let server: PgServer;
const stores: PostgresStore[] = [];
const warnings: string[] = [];
const open = (url: string): PostgresStore => {
  const store = createPostgresStore(
    { connectionString: url },
    { connectionTimeoutMs: 3_000, logger: { warn: (m) => warnings.push(m) } },
  );
  stores.push(store);
  return store;
};
const msg = (id: string): Message => ({ id, role: 'user', parts: [{ type: 'text', text: `message ${id}` }] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}
/** Everything an error exposes: message, stack, cause chain, JSON. */
function exposed(error: unknown): string {
  const parts: string[] = [JSON.stringify(error)];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message, e.stack ?? '');
  return parts.join('\n');
}
function expectRedacted(error: unknown, ...secrets: string[]): void {
  const text = exposed(error);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

beforeAll(async () => {
  server = await startPgServer();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await server?.destroy();
});

describe('server restart', () => {
  it('appends that resolved survive a restart mid-stream, the failed ones are retryable UNAVAILABLE, and the same store recovers', async () => {
    const store = open(server.url);
    await store.upsert({ userId: 'u', id: 'c', messages: [] });
    const ok: string[] = [];
    const failed: { id: string; error: unknown }[] = [];
    let running = true;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; running; i++) {
        const id = `w${w}-${i}`;
        try {
          await store.append('u', 'c', [msg(id)]);
          ok.push(id);
        } catch (error) {
          failed.push({ id, error });
          await sleep(20);
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await until(() => ok.length >= 40);
    await server.stop(); // fast shutdown: in-flight statements are cut off
    await until(() => failed.length >= 8);
    await server.start();
    const okBeforeRecovery = ok.length;
    await until(() => ok.length >= okBeforeRecovery + 40);
    running = false;
    await Promise.all(writers);

    const stored = (await store.get('u', 'c'))!.messages.map((m) => m.id);
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored).toEqual(expect.arrayContaining(ok));
    const attempted = new Set([...ok, ...failed.map((f) => f.id)]);
    expect(stored.filter((id) => !attempted.has(id))).toEqual([]);
    expect(failed.length).toBeGreaterThanOrEqual(8);
    for (const { error } of failed) {
      expect(error).toBeInstanceOf(ConversationStoreError);
      expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, adapter: 'postgres' });
      expectRedacted(error, server.password, server.url);
    }
    expect(warnings.join('\n')).not.toContain(server.password);
  });

  it('a call while the server is down fails fast as UNAVAILABLE; the next one after it is back succeeds', async () => {
    const store = open(server.url);
    await store.upsert({ userId: 'u2', id: 'c', messages: [msg('before')] });
    await server.stop();
    try {
      await expect(store.append('u2', 'c', [msg('while-down')])).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        retryable: true,
      });
      const checks = await store.diagnose();
      expect(checks).toEqual([expect.objectContaining({ name: 'reachable', ok: false })]);
    } finally {
      await server.start();
    }
    await store.append('u2', 'c', [msg('after')]);
    expect((await store.get('u2', 'c'))!.messages.map((m) => m.id)).toEqual(['before', 'after']);
  });
});

describe('connection errors', () => {
  it('a wrong password is UNAUTHORIZED, not retryable, and neither password nor URL shows anywhere', async () => {
    const url = new URL(server.url);
    url.password = 'wrong-password-8e1f';
    const error = await open(url.toString())
      .list('u')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConversationStoreError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', retryable: false, adapter: 'postgres' });
    expect((error as Error).message).toMatch(/password|user/i);
    expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
    expectRedacted(error, 'wrong-password-8e1f', url.toString(), server.password);
  });

  it('a refused connection is UNAVAILABLE and retryable, naming only host and port', async () => {
    const port = await freePort();
    const url = `postgresql://app:s3cret-pass-word@127.0.0.1:${port}/chat`;
    const error = await open(url)
      .get('u', 'c')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expectRedacted(error, 's3cret-pass-word', url);
  });

  it('a database that does not exist is a CONFIG error', async () => {
    const url = new URL(server.url);
    url.pathname = '/no_such_database';
    await expect(open(url.toString()).list('u')).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/no_such_database/),
    });
  });
});
