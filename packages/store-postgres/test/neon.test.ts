import { runConformanceSuite } from '@agent-conversations/conformance';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';
import { Pool as NeonPool, neonConfig } from '@neondatabase/serverless';
import type pg from 'pg';
import { inject } from 'vitest';
import { WebSocket } from 'ws';
import { createPostgresStore } from '../src/index.js';
import { gatedStore } from './support/gated-pool.js';
import { tableInspector } from './support/stores.js';
import { startWsRelay, type WsRelay } from './support/ws-relay.js';

// An injected pg-compatible driver: @neondatabase/serverless' Pool speaks Postgres over WebSockets. Neon's servers relay those
// to Postgres; here a relay of the same kind (one WebSocket per connection, raw protocol bytes) in front of the test server.
let db: TestDatabase;
let relay: WsRelay;
const pools: NeonPool[] = [];
const neonPool = (connectionString: string): NeonPool => {
  const pool = new NeonPool({ connectionString, max: 4 });
  pools.push(pool);
  return pool;
};

runConformanceSuite({
  name: 'postgres through @neondatabase/serverless',
  async setup() {
    relay = await startWsRelay();
    Object.assign(neonConfig, {
      webSocketConstructor: WebSocket,
      wsProxy: (host: string, port: number | string) => `127.0.0.1:${relay.port}/v1?address=${host}:${port}`,
      useSecureWebSocket: false,
      forceDisablePgSSL: true,
      pipelineConnect: false,
      pipelineTLS: false,
    });
    db = await createTestDatabase(inject('pgUrl'), 'neon');
  },
  async teardown() {
    await Promise.all(pools.map((pool) => (pool.ended ? undefined : pool.end())));
    await db.drop();
    await relay.close();
  },
  createStore: () => createPostgresStore({ pool: neonPool(db.url) }),
  createPeerStore: () => createPostgresStore({ pool: neonPool(db.url) }),
  inspect: tableInspector(() => db),
  // gatedStore wraps the methods that pg's Pool and Neon's have alike.
  io: { createStore: (gate) => gatedStore(db.url, gate, {}, (url) => neonPool(url) as unknown as pg.Pool) },
  strict: true,
});
