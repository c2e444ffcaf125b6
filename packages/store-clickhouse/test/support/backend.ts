import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

/** The real ClickHouse engine the tests run on: chdb in-process, or the server at CLICKHOUSE_URL. */
export interface Backend {
  /** "chdb" or "http". */
  label: string;
  /** A database created for this test process. */
  database: string;
  client: ClickHouseClient;
  /** A second, independent client over the same engine. */
  newClient(): ClickHouseClient;
  /** Runs a query and returns its rows. */
  rows<T>(query: string, params?: Record<string, unknown>): Promise<T[]>;
  close(): Promise<void>;
}

/** A client on the in-process engine bound to `dir`. chdb types its connection against `@clickhouse/client-common`, which `@clickhouse/client` 1.23 bundles a copy of: structurally the same, nominally different, hence the cast. */
export function chdbClient(dir: string): ClickHouseClient {
  const connection = createChdbConnection({ path: dir }) as unknown as ClickHouseClientConfigOptions['connection'];
  return createClient({ connection });
}

function httpClient(): ClickHouseClient {
  return createClient({
    url: process.env.CLICKHOUSE_URL,
    username: process.env.CLICKHOUSE_USER,
    password: process.env.CLICKHOUSE_PASSWORD,
  });
}

/** Opens the engine with a fresh database; chdb gets a temp directory of its own for this process. */
export async function openBackend(): Promise<Backend> {
  const database = `ac_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const http = Boolean(process.env.CLICKHOUSE_URL);
  const dir = http ? undefined : mkdtempSync(join(tmpdir(), 'ac-chdb-'));
  const make = (): ClickHouseClient => (dir ? chdbClient(dir) : httpClient());
  const client = make();
  const extra: ClickHouseClient[] = [];
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  return {
    label: http ? 'http' : 'chdb',
    database,
    client,
    newClient() {
      const c = make();
      extra.push(c);
      return c;
    },
    async rows<T>(query: string, params?: Record<string, unknown>): Promise<T[]> {
      const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
      return result.json<T>();
    },
    async close() {
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      for (const c of extra) await c.close();
      await client.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
