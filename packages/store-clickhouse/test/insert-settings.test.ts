import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
import { freshTable, messages, physicalRows } from './support/fixtures.js';

// Its own file (own process): on chdb, settings sent with a query stay set on the engine's session.
let backend: Backend;
beforeAll(async () => {
  backend = await openBackend();
});
afterAll(() => backend.close());
const http = Boolean(process.env.CLICKHOUSE_URL);

async function sessionSettings(): Promise<{ async_insert: string; wait: string }> {
  const [row] = await backend.rows<{ async_insert: unknown; wait: unknown }>(`SELECT getSetting('async_insert') AS async_insert, getSetting('wait_for_async_insert') AS wait`);
  return { async_insert: String(Number(row?.async_insert)), wait: String(Number(row?.wait)) };
}

describe('insert settings', () => {
  // chdb has no asynchronous insert queue (async_insert runs as a synchronous insert), but it keeps the
  // settings of the last statement on its session, so what the store sent can be read back.
  it.skipIf(http)('writes are sent with async_insert=1 and wait_for_async_insert=1 by default, and both can be overridden (chdb)', async () => {
    const table = freshTable(backend);
    const cases = [
      [{}, { async_insert: '1', wait: '1' }],
      [{ waitForAsyncInsert: false }, { async_insert: '1', wait: '0' }],
      [{ asyncInsert: false }, { async_insert: '0', wait: '1' }],
      [{ insertSettings: { wait_for_async_insert: 0 } }, { async_insert: '1', wait: '0' }],
    ] as const;
    await createClickHouseStore({ client: backend.client }, { table }).migrate();
    for (const [i, [options, expected]] of cases.entries()) {
      const store = createClickHouseStore({ client: backend.client }, { table, ...options });
      await store.upsert({ id: `c${i}`, userId: 'u', messages: messages(1) });
      expect(await sessionSettings(), JSON.stringify(options)).toEqual(expected);
      expect((await store.get('u', `c${i}`))?.messageCount).toBe(1);
    }
  });

  it.skipIf(!http)('without the wait, rows sit in the async insert queue until it flushes (server at CLICKHOUSE_URL)', async () => {
    const table = freshTable(backend);
    const [database, name] = table.split('.');
    const queued = async () =>
      Number((await backend.rows<{ n: string }>(`SELECT count() AS n FROM system.asynchronous_inserts WHERE database = {d:String} AND table = {t:String}`, { d: database, t: name }))[0]?.n ?? 0);
    const waiting = createClickHouseStore({ client: backend.client }, { table, autoCreate: true });
    await waiting.upsert({ id: 'c', userId: 'u', messages: [] });
    expect(await queued()).toBe(0);
    const slowFlush = { async_insert_use_adaptive_busy_timeout: 0, async_insert_busy_timeout_ms: 30_000, async_insert_busy_timeout_max_ms: 30_000 };
    const fireAndForget = createClickHouseStore({ client: backend.client }, { table, waitForAsyncInsert: false, insertSettings: slowFlush });
    const before = await physicalRows(backend, table, 'u', 'c');
    await fireAndForget.append('u', 'c', messages(1));
    expect(await queued()).toBe(1);
    expect(await physicalRows(backend, table, 'u', 'c')).toBe(before);
    await backend.client.command({ query: 'SYSTEM FLUSH ASYNC INSERT QUEUE' });
    expect((await waiting.get('u', 'c'))?.messages).toEqual(messages(1));
  });
});
