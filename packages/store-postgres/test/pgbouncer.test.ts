// The whole conformance suite again, through a real PgBouncer in transaction mode (what Supabase, Neon and
// Vercel poolers do): no session state between statements, no named prepared statements (pgbouncer=true).
import { runConformanceSuite } from '@agent-conversations/conformance';
import { describe, inject, it } from 'vitest';
import { createPostgresStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';
import { gatedStore } from './support/gated-pool.js';
import { tableInspector } from './support/stores.js';
import { PGBOUNCER, PGBOUNCER_MISSING, startPgBouncer, type PgBouncer } from './support/pgbouncer.js';

let db: TestDatabase;
let bouncer: PgBouncer;

if (PGBOUNCER) {
  runConformanceSuite({
    name: 'postgres behind PgBouncer (transaction mode)',
    async setup() {
      db = await createTestDatabase(inject('pgUrl'), 'pgbouncer');
      bouncer = await startPgBouncer(inject('pgUrl'), db.name);
    },
    async teardown() {
      await bouncer.stop();
      await db.drop();
    },
    createStore: () => createPostgresStore({ connectionString: bouncer.url }),
    createPeerStore: () => createPostgresStore({ connectionString: bouncer.url }),
    inspect: tableInspector(() => db),
    // The I/O hook through PgBouncer too: app pools on the bouncer whose connections await the gate before every statement.
    io: { createStore: (gate) => gatedStore(bouncer.url, gate, { pgbouncer: true }) },
    strict: true,
  });
} else {
  // A missing binary is a failure with the reason, locally and in CI: never a skip that looks like a pass.
  describe('postgres behind PgBouncer', () => {
    it('needs the pgbouncer binary', () => {
      throw new Error(PGBOUNCER_MISSING);
    });
  });
}
