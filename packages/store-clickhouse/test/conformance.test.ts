import { runConformanceSuite } from '@agent-conversations/conformance';
import { createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
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
  // Every check runs in full: a skipped or weakened one fails the run.
  strict: true,
});
