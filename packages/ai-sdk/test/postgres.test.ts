import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';
import { createPostgresStore, type PostgresStore } from '@agent-conversations/store-postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { describeChatPersistence } from './support/suite.js';

let db: TestDatabase;
let store: PostgresStore;
beforeAll(async () => {
  db = await createTestDatabase(inject('pgUrl'), 'ai_sdk');
  store = createPostgresStore({ connectionString: db.url });
  await store.migrate();
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

describeChatPersistence('PostgreSQL', () => store);
