import type { IoGate } from '@agent-conversations/conformance';
import pg from 'pg';
import { isLocalClose } from '../../src/errors.js';
import { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from '../../src/index.js';

type Submittable = { text?: string; callback?: (error: Error) => void };
const label = (sql: string | undefined): string => (sql ?? '').trim().split(/\s+/).slice(0, 4).join(' ');

/**
 * The I/O hook of the model-based checks, through what the store already accepts: an app's `pg.Pool` whose
 * connections await `gate` before sending each statement, so every statement is a scheduling point.
 */
function gatedPool(pool: pg.Pool, gate: IoGate): pg.Pool {
  // In workerd, pg-cloudflare reports each socket the pool closes (idle timeout, end()) as an error; any other one fails the run.
  pool.on('error', (error) => {
    if (!isLocalClose(error)) throw error;
  });
  const patched = new WeakSet<pg.PoolClient>();
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const gated = async (): Promise<pg.PoolClient> => {
    const client = await connect();
    if (!patched.has(client)) {
      patched.add(client);
      const query = client.query.bind(client) as (config: unknown, ...rest: unknown[]) => unknown;
      // Statements of one connection pass their gates in the order they were sent, as pg would send them.
      let previous: Promise<void> = Promise.resolve();
      const inOrder = (sql: string | undefined): Promise<void> => (previous = previous.then(() => gate(label(sql))));
      // The store sends pg.Query objects and waits for their callback; a string query resolves a promise.
      (client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
        if (typeof config === 'object' && config !== null && 'submit' in config) {
          const q = config as Submittable;
          inOrder(q.text)
            .then(() => query(config))
            .catch((error: Error) => q.callback?.(error));
          return config;
        }
        return inOrder(typeof config === 'string' ? config : (config as Submittable).text).then(() =>
          query(config, ...rest),
        );
      };
    }
    return client;
  };
  (pool as { connect: unknown }).connect = gated;
  return pool;
}

/** A store on its own gated pool; closing it ends the pool too. */
export function gatedStore(
  connectionString: string,
  gate: IoGate,
  options: PostgresStoreOptions = {},
  driver: (connectionString: string) => pg.Pool = (cs) => new pg.Pool({ connectionString: cs, max: 4 }),
): PostgresStore {
  const pool = gatedPool(driver(connectionString), gate);
  const store = createPostgresStore({ pool }, options);
  return {
    ...store,
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}
