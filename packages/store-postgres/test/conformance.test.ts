import { runConformanceSuite } from '@agent-conversations/conformance';
import type { Message } from '@agent-conversations/core';
import { inject } from 'vitest';
import { createPostgresStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';

let db: TestDatabase;

runConformanceSuite({
  name: 'postgres',
  async setup() {
    db = await createTestDatabase(inject('pgUrl'), 'conformance');
  },
  teardown: () => db.drop(),
  createStore: () => createPostgresStore({ connectionString: db.url }),
  // A second instance with its own pool: the two-instance race goes through two sets of connections.
  createPeerStore: () => createPostgresStore({ connectionString: db.url }),
  inspect: {
    async messages(userId, id) {
      const { rows } = await db.pool.query<{ json: string }>('SELECT json FROM public.agent_messages WHERE user_id = $1 AND conversation_id = $2 ORDER BY seq', [userId, id]);
      return rows.map((r) => JSON.parse(r.json) as Message);
    },
    async exists(userId, id) {
      const { rowCount } = await db.pool.query('SELECT 1 FROM public.agent_conversations WHERE user_id = $1 AND id = $2', [userId, id]);
      return (rowCount ?? 0) > 0;
    },
  },
});
