import { modelSettings, runConformanceSuite, type ModelSettings } from '@agent-conversations/conformance';
import type { Message } from '@agent-conversations/core';
import { env } from 'cloudflare:workers';
import pg from 'pg';
import { isLocalClose } from '../src/errors.js';
import { createPostgresStore, tableNames } from '../src/index.js';
import { gatedStore } from '../test/support/gated-pool.js';

// The whole suite in workerd, through the Hyperdrive binding an app on Workers uses.
const url = (): string => env.HYPERDRIVE.connectionString;
let tables: pg.Pool;
const names = tableNames();
const quarter = (settings: ModelSettings): ModelSettings => ({ ...settings, runs: Math.ceil(settings.runs / 4) });

runConformanceSuite({
  name: 'postgres in workerd (Hyperdrive)',
  setup() {
    tables = new pg.Pool({ connectionString: url(), max: 2 });
    // pg-cloudflare reports each socket the pool closes (idle timeout, end()) as an error; any other one fails the run.
    tables.on('error', (error) => {
      if (!isLocalClose(error)) throw error;
    });
  },
  teardown: () => tables.end(),
  createStore: () => createPostgresStore({ hyperdrive: env.HYPERDRIVE }),
  createPeerStore: () => createPostgresStore({ hyperdrive: env.HYPERDRIVE }),
  inspect: {
    async messages(userId, id) {
      const { rows } = await tables.query<{ json: string }>(
        `SELECT json FROM ${names.messages} WHERE user_id = $1 AND conversation_id = $2 ORDER BY seq`,
        [userId, id],
      );
      return rows.map((r) => JSON.parse(r.json) as Message);
    },
    async exists(userId, id) {
      const { rowCount } = await tables.query(`SELECT 1 FROM ${names.conversations} WHERE user_id = $1 AND id = $2`, [
        userId,
        id,
      ]);
      return (rowCount ?? 0) > 0;
    },
  },
  // CI and CONFORMANCE_* come in as bindings (see vitest.workers.config.ts). A quarter of the model cases: each costs
  // about 30x here (every connection goes through miniflare's local Hyperdrive relay), and the store's full count runs
  // in the node project, directly, through PgBouncer and through Neon's driver. Here the cases prove the Hyperdrive path.
  model: quarter(modelSettings({}, env as unknown as Record<string, unknown>)),
  // The I/O hook: each store gets an app pool whose connections await the gate before every statement.
  io: { createStore: (gate) => gatedStore(url(), gate, { pgbouncer: true }) },
  // Every check runs in full: a skipped or weakened one fails the run.
  strict: true,
});
