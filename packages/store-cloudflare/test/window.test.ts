// window reads only the rows it returns, on D1 and inside a user's Durable Object (both count the rows SQLite read).
import type { Message } from '@agent-conversations/core';
import { applyD1Migrations, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createD1Store, createDurableObjectStore } from '../src/index.js';
import { selectMessages } from '../src/shared/statements.js';
import { selectWindow } from '../src/shared/window.js';
import { userObject } from './helpers.js';

const user = (): string => `user-${crypto.randomUUID()}`;
const many = (n: number): Message[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 ? 'assistant' : 'user',
    parts: [{ type: 'text', text: `message ${i}` }],
  }));
const messages = many(10_000);
/** The newest 50, 50 ending before position 5,000, and the first 30 (a cursor near the start). */
const cases = [
  { before: null, expected: messages.slice(9_950) },
  { before: 5_000, expected: messages.slice(4_950, 5_000) },
  { before: 30, expected: messages.slice(0, 30) },
] as const;

beforeAll(() => applyD1Migrations(env.CONVERSATIONS_D1, env.TEST_MIGRATIONS));

describe('window on D1', () => {
  it('reads only the window of a 10,000-message conversation (D1 counts the rows read), and get reads them all', async () => {
    const db = env.CONVERSATIONS_D1;
    const store = createD1Store({ binding: db });
    const u = user();
    await store.upsert({ id: 'c', userId: u, messages });
    for (const { before, expected } of cases) {
      const statement = selectWindow(u, 'c', { limit: 50, before });
      const { results, meta } = await db
        .prepare(statement.sql)
        .bind(...statement.params)
        .all<{ data: string }>();
      expect(results.map((r) => JSON.parse(r.data) as Message)).toEqual(expected);
      // The conversation row, the window's rows and at most the one row that ends the range scan.
      expect(meta.rows_read).toBeGreaterThanOrEqual(expected.length);
      expect(meta.rows_read).toBeLessThanOrEqual(expected.length + 2);
      expect(
        (await store.window(u, 'c', { limit: 50, before: before === null ? undefined : `w1.${before}` }))?.messages,
      ).toEqual(expected);
    }
    const all = selectMessages(u, 'c');
    expect(
      (
        await db
          .prepare(all.sql)
          .bind(...all.params)
          .all()
      ).meta.rows_read,
      'the same count for get: it reads every row',
    ).toBeGreaterThanOrEqual(10_000);
  });
});

describe('window on a Durable Object', () => {
  it("reads only the window inside the user's object (its SQL cursor counts the rows read)", async () => {
    const store = createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO });
    const u = user();
    await store.upsert({ id: 'c', userId: u, messages });
    for (const { before, expected } of cases) {
      const statement = selectWindow(u, 'c', { limit: 50, before });
      const { rows, rowsRead } = await runInDurableObject(userObject(u), (_instance, state) => {
        const cursor = state.storage.sql.exec<{ data: string }>(statement.sql, ...statement.params);
        return { rows: cursor.toArray().map((r) => JSON.parse(r.data) as Message), rowsRead: cursor.rowsRead };
      });
      expect(rows).toEqual(expected);
      expect(rowsRead).toBeGreaterThanOrEqual(expected.length);
      expect(rowsRead).toBeLessThanOrEqual(expected.length + 2);
      expect(
        (await store.window(u, 'c', { limit: 50, before: before === null ? undefined : `w1.${before}` }))?.messages,
      ).toEqual(expected);
    }
  });

  it('validates in the Worker before any call into the object', async () => {
    const calls: string[] = [];
    const real = env.AGENT_CONVERSATIONS_DO;
    const store = createDurableObjectStore({
      namespace: {
        idFromName: (name: string) => (calls.push(name), real.idFromName(name)),
        get: (id: never) => real.get(id),
      },
    });
    await expect(store.window(user(), 'c', { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(store.window(user(), 'c', { before: 'nope' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(calls).toEqual([]);
  });
});
