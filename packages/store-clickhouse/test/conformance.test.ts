import { runConformanceSuite } from '@agent-conversations/conformance';
import { createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
import { gatedClient } from './support/gated-client.js';
import { inspector } from './support/inspect.js';

let backend: Backend;
const table = () => `${backend.database}.agent_conversations`;

runConformanceSuite({
  name: `clickhouse (${process.env.CLICKHOUSE_URL ? 'http server' : 'chdb engine'})`,
  async setup() {
    backend = await openBackend();
    await createClickHouseStore({ client: backend.client }, { table: table(), autoCreate: true }).migrate();
  },
  teardown: () => backend.close(),
  createStore: () => createClickHouseStore({ client: backend.client }, { table: table() }),
  createPeerStore: () => createClickHouseStore({ client: backend.newClient() }, { table: table() }),
  inspect: {
    messages: (u, c) => inspector(backend, table()).messages(u, c),
    exists: (u, c) => inspector(backend, table()).exists(u, c),
  },
  // The I/O hook: each store's client (the shared one, and a second one over the same engine) awaits the gate before every request.
  io: {
    createStore: (gate) => createClickHouseStore({ client: gatedClient(backend.client, gate) }, { table: table() }),
    createPeerStore: (gate) =>
      createClickHouseStore({ client: gatedClient(backend.newClient(), gate) }, { table: table() }),
  },
  // Every check runs in full: a skipped or weakened one fails the run.
  strict: true,
});
