import { runConformanceSuite, type IoGate } from '@agent-conversations/conformance';
import { createAgentStateStore } from '../src/index.js';
import { inspector } from './inspect.js';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';
import { ServerState } from './server/state.js';

let server: AgentStateTestServer;
const open = () => createAgentStateStore({ apiKey: server.apiKey, baseUrl: server.baseUrl, retryDelayMs: 10 });
/** The I/O hook, through the store's `fetch` option: each request awaits the gate before it is sent. */
const gated = (gate: IoGate) =>
  createAgentStateStore({
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    retryDelayMs: 10,
    fetch: async (input, init) => {
      await gate(
        `${init.method ?? 'GET'} ${new URL(input).pathname.replace('/v1/', '/').split('/').slice(0, 4).join('/')}`,
      );
      return fetch(input, init);
    },
  });

runConformanceSuite({
  name: 'agentstate (test server)',
  // The documented 100 requests a minute would throttle the suite; rate limiting has its own tests.
  setup: async () => {
    server = await startAgentStateServer({ rateLimit: 1_000_000 });
  },
  teardown: () => server.close(),
  createStore: open,
  createPeerStore: open,
  inspect: inspector(() => server),
  io: { createStore: gated },
  // The server stamps created_at/updated_at itself; the suite forces updatedAt ties by freezing the server's clock.
  clock: {
    set: (ms) => {
      server.state.now = ms === null ? ServerState.prototype.now : () => ms;
    },
  },
  capabilities: {
    // AgentState sets created_at/updated_at itself; list order follows its updated_at, so an imported updatedAt cannot be kept.
    importTimestamps: false,
    // The API has no compare-and-set: expectedVersion is checked by reading first (correct sequentially, best-effort under races).
    atomicExpectedVersion: false,
    // Nor can two instances' writes be ordered: without compare-and-set both read version n and both answer n + 1 (both
    // writes land, but the answers are not linearizable). Reads racing one write see it before or after, updatedAt
    // included: it is when the latest complete write landed, not the row's updated_at (model.interleavings, weakened).
    atomicWrites: false,
  },
  // Not strict: the declarations above skip crud.import-timestamps, concurrency.expected-version-race and
  // concurrency.create-race, and weaken model.interleavings; AgentState cannot list users (surface.list-users). The summary names all five.
});
