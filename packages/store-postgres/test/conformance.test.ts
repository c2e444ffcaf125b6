import { runConformanceSuite } from '@agent-conversations/conformance';
import { inject } from 'vitest';
import { createPostgresStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';
import { gatedStore } from './support/gated-pool.js';
import { tableInspector } from './support/stores.js';

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
  inspect: tableInspector(() => db),
  // The I/O hook: each store gets an app pool whose connections await the gate before every statement.
  io: { createStore: (gate) => gatedStore(db.url, gate) },
  // Every check runs in full: a skipped or weakened one fails the run.
  strict: true,
});
