import pg from 'pg';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { fingerprint, redact, type Logger } from '@agent-conversations/core';
import { isConnectionLost, isLocalClose } from './errors.js';
import { createReadTimeout } from './read-timeout.js';

/** Runs one statement; `timed` false: without the client-side read timeout (DDL, waits for a lock). */
export type Query = <R extends QueryResultRow>(
  sql: string,
  params?: readonly unknown[],
  timed?: boolean,
) => Promise<QueryResult<R>>;

/** The store's handle on its pool: statements with a read timeout, transactions, and broken-connection hygiene. */
export interface Db {
  readonly pool: Pool;
  query: Query;
  /** Runs one statement and hands each row to `onRow` as it arrives, while later rows are still being produced; rejects with the
   * first error of the statement or of `onRow` (after the statement ends, so the connection stays usable). */
  stream<R extends QueryResultRow>(sql: string, params: readonly unknown[], onRow: (row: R) => void): Promise<void>;
  /** Runs `fn` inside BEGIN/COMMIT on one connection; rolls back when it throws. */
  transaction<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  /** Ends the pool when the store created it. */
  close(): Promise<void>;
}

interface DbOptions {
  /** A pool the app owns (left open by close), else the config of the pool to create. */
  pool?: Pool;
  poolConfig?: pg.PoolConfig;
  /** Client-side read timeout of every statement, in ms (a safety net above the server's statement_timeout). */
  readTimeoutMs: number;
  /** Named (server-side prepared) statements: parsed and planned once per connection. Off behind a transaction-mode pooler. */
  prepare: boolean;
  logger: Logger;
  secrets: readonly string[];
}

/** The Query class of the client's own driver (`Client.Query`): pg's, or that of a pg fork such as @neondatabase/serverless, whose
 * connections differ from pg's in what a query object may touch. */
const queryClass = (client: PoolClient): typeof pg.Query =>
  (client.constructor as { Query?: typeof pg.Query }).Query ?? pg.Query;

/** Wraps a pg Pool; creates it lazily (no I/O until the first statement). */
export function createDb(options: DbOptions): Db {
  const owned = !options.pool;
  const readTimeout = createReadTimeout(options.readTimeoutMs);
  const pool = options.pool ?? new pg.Pool(options.poolConfig);
  if (owned) {
    // An idle connection killed by a server restart is dropped by the pool; without a listener Node would crash. In workerd,
    // pg-cloudflare also reports each socket the pool itself closes (idle timeout, close()): that is no news.
    pool.on(
      'error',
      (error: Error) =>
        isLocalClose(error) ||
        options.logger.warn(
          `[agent-conversations] postgres: an idle connection was closed (${redact(error.message, options.secrets)}); the pool reconnects on the next call`,
        ),
    );
  }
  // Every statement is a lookup by key whose best plan does not depend on which key. Left to choose, the server kept planning get
  // anew on each call (its estimate for a conversation it has no statistics for looks cheaper than the generic plan's), which
  // cost more than the read. Set once per connection of the store's own pool, before its first statement and awaited (a
  // statement queued while another runs is deprecated in pg 8 and an error in pg 9); not behind a pooler.
  const setUp = owned && options.prepare;
  const configured = new WeakSet<PoolClient>();
  const configure = async (client: PoolClient): Promise<void> => {
    configured.add(client);
    await client
      .query('SET plan_cache_mode = force_generic_plan')
      .catch((error: unknown) =>
        options.logger.warn(
          `[agent-conversations] postgres: could not set plan_cache_mode (${redact(String(error), options.secrets)})`,
        ),
      );
  };

  async function withClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    // A socket error is also raised on the client; record it so the connection is destroyed, the pending query rejects with it.
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      if (setUp && !configured.has(client)) await configure(client);
      return await fn(client);
    } catch (error) {
      if (isConnectionLost(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.off('error', onError);
      // Never hand back a connection still inside a transaction (e.g. a failed ROLLBACK): destroy it instead.
      const status = typeof client.getTransactionStatus === 'function' ? client.getTransactionStatus() : 'I';
      if (status === 'T' || status === 'E') broken ??= new Error('connection left inside a transaction');
      client.release(broken);
    }
  }

  const names = new Map<string, string>();
  const nameOf = (sql: string): string => {
    let name = names.get(sql);
    if (name === undefined) names.set(sql, (name = `ac_${fingerprint(sql)}`));
    return name;
  };

  /** A statement as a pg Query; with parameters, prepared once per connection under a name derived from its text. Built from the
   * text and then named, because pg copies every property descriptor of a config object on each call (a cost per statement). */
  const statement = <R extends QueryResultRow>(
    client: PoolClient,
    sql: string,
    params: readonly unknown[],
    callback?: (error: Error | undefined, result: QueryResult<R>) => void,
  ) => {
    const query = new (queryClass(client))<R>(sql, params as unknown[], callback);
    if (options.prepare && params.length > 0) (query as { name?: string }).name = nameOf(sql);
    return query;
  };

  const queryOn =
    (client: PoolClient): Query =>
    <R extends QueryResultRow>(sql: string, params: readonly unknown[] = [], timed = true) =>
      new Promise<QueryResult<R>>((resolve, reject) => {
        if (timed) readTimeout.start(client);
        try {
          client.query(
            statement<R>(client, sql, params, (error, result) => {
              readTimeout.stop(client);
              if (error) reject(readTimeout.failure(client, error));
              else resolve(result);
            }),
          );
        } catch (error) {
          readTimeout.stop(client);
          throw error;
        }
      });

  const streamOn = <R extends QueryResultRow>(
    client: PoolClient,
    sql: string,
    params: readonly unknown[],
    onRow: (row: R) => void,
  ): Promise<void> =>
    new Promise((resolve, reject) => {
      let rowError: unknown;
      const query = statement<R>(client, sql, params);
      query.on('row', (row: R) => {
        if (rowError !== undefined) return;
        try {
          onRow(row);
        } catch (error) {
          rowError = error; // never thrown into pg's protocol handler; reported once the statement has ended
        }
      });
      query.on('error', (error) => {
        readTimeout.stop(client);
        reject(readTimeout.failure(client, error));
      });
      query.on('end', () => {
        readTimeout.stop(client);
        if (rowError === undefined) resolve();
        else reject(rowError);
      });
      readTimeout.start(client);
      try {
        client.query(query);
      } catch (error) {
        readTimeout.stop(client);
        throw error;
      }
    });

  return {
    pool,
    query: (sql, params, timed) => withClient((client) => queryOn(client)(sql, params, timed)),
    stream: (sql, params, onRow) => withClient((client) => streamOn(client, sql, params, onRow)),
    transaction: (fn) =>
      withClient(async (client) => {
        const query = queryOn(client);
        await query('BEGIN');
        try {
          const result = await fn(query);
          await query('COMMIT');
          return result;
        } catch (error) {
          // A failed ROLLBACK leaves the connection in a transaction; withClient then destroys it. The first error is the one to report.
          if (!isConnectionLost(error))
            await query('ROLLBACK').catch((rollbackError: unknown) =>
              options.logger.warn(
                `[agent-conversations] postgres: ROLLBACK failed (${redact(String(rollbackError), options.secrets)})`,
              ),
            );
          throw error;
        }
      }),
    close: async () => {
      if (owned && !pool.ended) await pool.end();
    },
  };
}
