import type { ConformanceInspector } from '@agent-conversations/conformance';
import type { Message } from '@agent-conversations/core';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../../src/index.js';

export interface TestDatabaseContext {
  readonly db: TestDatabase;
  /** A store over the file's database (or over `url`), closed after the file. */
  open(options?: Parameters<typeof createPostgresStore>[1], url?: string): PostgresStore;
}

/** A database of the file's own on the shared test server, and stores over it that are all closed after the file. */
export function useTestDatabase(label: string): TestDatabaseContext {
  const stores: PostgresStore[] = [];
  const ctx: TestDatabaseContext & { db: TestDatabase } = {
    db: undefined as unknown as TestDatabase,
    open(options: Parameters<typeof createPostgresStore>[1] = {}, url = ctx.db.url): PostgresStore {
      const store = createPostgresStore({ connectionString: url }, options);
      stores.push(store);
      return store;
    },
  };
  beforeAll(async () => {
    ctx.db = await createTestDatabase(inject('pgUrl'), label);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await ctx.db.drop();
  });
  return ctx;
}

let n = 0;
/** A unique id for a test's user or conversation. */
export const uid = (label: string): string => `${label}-${Date.now()}-${n++}`;
/** An AI SDK-style text message. */
export const msg = (id: string, text: string, role = 'user'): Message => ({
  id,
  role,
  parts: [{ type: 'text', text }],
});

/** Conformance `inspect` readers that query the tables directly, through `db()`'s pool (read when called). */
export function tableInspector(db: () => TestDatabase): ConformanceInspector {
  return {
    async messages(userId, id) {
      const { rows } = await db().pool.query<{ json: string }>(
        'SELECT json FROM agent_conversations.agent_messages WHERE user_id = $1 AND conversation_id = $2 ORDER BY seq',
        [userId, id],
      );
      return rows.map((r) => JSON.parse(r.json) as Message);
    },
    async exists(userId, id) {
      const { rowCount } = await db().pool.query(
        'SELECT 1 FROM agent_conversations.agent_conversations WHERE user_id = $1 AND id = $2',
        [userId, id],
      );
      return (rowCount ?? 0) > 0;
    },
  };
}
