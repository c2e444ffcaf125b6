import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { mapError } from './errors.js';
import type { TableName } from './table-name.js';

/** The one place that talks to the client: every call maps its errors and scrubs secrets. */
export interface Db {
  readonly client: ClickHouseClient;
  readonly table: TableName;
  readonly migrations: TableName;
  readonly secrets: readonly (string | undefined)[];
  /** Runs a SELECT with typed parameters and returns its rows. */
  rows<T>(what: string, query: string, params?: Record<string, unknown>, settings?: ClickHouseSettings): Promise<T[]>;
  /** Runs DDL or another statement without a result. */
  command(what: string, query: string): Promise<void>;
  /** Inserts rows as one block (one INSERT, so they become visible together). */
  insert(what: string, table: TableName, values: readonly object[], settings?: ClickHouseSettings): Promise<void>;
}

/** Wraps a client for one table pair. */
export function createDb(client: ClickHouseClient, table: TableName, migrations: TableName, secrets: readonly (string | undefined)[]): Db {
  const fail = (error: unknown, what: string): never => {
    throw mapError(error, what, table.display, secrets);
  };
  return {
    client,
    table,
    migrations,
    secrets,
    async rows<T>(what: string, query: string, params?: Record<string, unknown>, settings?: ClickHouseSettings): Promise<T[]> {
      try {
        const result = await client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: settings });
        return await result.json<T>();
      } catch (error) {
        return fail(error, what);
      }
    },
    async command(what: string, query: string): Promise<void> {
      try {
        await client.command({ query });
      } catch (error) {
        fail(error, what);
      }
    },
    async insert(what: string, target: TableName, values: readonly object[], settings?: ClickHouseSettings): Promise<void> {
      if (values.length === 0) return;
      try {
        await client.insert({ table: target.sql, values: values as object[], format: 'JSONEachRow', clickhouse_settings: settings });
      } catch (error) {
        fail(error, what);
      }
    },
  };
}
