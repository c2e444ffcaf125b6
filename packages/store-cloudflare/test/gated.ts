import type { IoGate } from '@agent-conversations/conformance';
import type { D1DatabaseLike, D1StatementLike, DurableObjectNamespaceLike } from '../src/index.js';

/** The real statement behind a gated one, for batch(). */
const REAL = Symbol('real statement');
type Gated = D1StatementLike & { [REAL]: D1StatementLike };

const label = (sql: string): string => sql.trim().split(/\s+/).slice(0, 4).join(' ');

/**
 * The I/O hook of the model-based checks, through what createD1Store already accepts (`{ binding }`): a D1 binding
 * whose statements await `gate` before each all() and batch(), so each round trip to D1 is a scheduling point.
 */
export function gatedD1(db: D1Database, gate: IoGate): D1DatabaseLike {
  const wrap = (real: D1StatementLike, sql: string): Gated => ({
    [REAL]: real,
    bind: (...values: unknown[]) => wrap(real.bind(...values), sql),
    all: async () => {
      await gate(`all ${label(sql)}`);
      return real.all();
    },
  });
  return {
    prepare: (sql: string) => wrap(db.prepare(sql) as unknown as D1StatementLike, sql),
    batch: async (statements: D1StatementLike[]) => {
      await gate(`batch of ${statements.length}`);
      return db.batch(statements.map((s) => (s as Gated)[REAL]) as unknown as D1PreparedStatement[]);
    },
  };
}

/**
 * The I/O hook through what createDurableObjectStore accepts (`{ namespace }`): a namespace whose stubs await
 * `gate` before each RPC call, so each call into a user's Durable Object is a scheduling point.
 */
export function gatedNamespace(namespace: DurableObjectNamespaceLike, gate: IoGate): DurableObjectNamespaceLike {
  return {
    idFromName: (name: string) => namespace.idFromName(name),
    get: (id: never) => {
      const stub = namespace.get(id) as Record<string, (...args: unknown[]) => Promise<unknown>>;
      return new Proxy(
        {},
        {
          get: (_target, prop) =>
            prop === 'then' || typeof prop !== 'string'
              ? undefined
              : async (...args: unknown[]) => {
                  await gate(`rpc ${prop}`);
                  return stub[prop]!(...args);
                },
        },
      );
    },
  };
}
