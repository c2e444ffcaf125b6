import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { ConversationStoreError } from '@agent-conversations/core';
import { mapError } from './errors.js';
import type { DdlTarget } from './schema.js';
import type { TableName } from './table-name.js';

/** The one place that talks to ClickHouse: every call maps its errors, scrubs secrets and fails over between hosts. */
export interface Db {
  /** The client of the host in use. */
  readonly client: ClickHouseClient;
  readonly table: TableName;
  readonly migrations: TableName;
  readonly secrets: readonly (string | undefined)[];
  /** Single server, or cluster mode (ON CLUSTER, Replicated engines). */
  readonly target: DdlTarget;
  /** Runs a SELECT with typed parameters and returns its rows. */
  rows<T>(what: string, query: string, params?: Record<string, unknown>, settings?: ClickHouseSettings): Promise<T[]>;
  /** Runs a SELECT and returns its output as text (e.g. TabSeparatedRaw lines). */
  text(what: string, query: string, params: Record<string, unknown>, format: 'TabSeparatedRaw'): Promise<string>;
  /** Runs DDL or another statement without a result. */
  command(what: string, query: string): Promise<void>;
  /** Inserts rows as one block (one INSERT, so they become visible together). */
  insert(what: string, table: TableName, values: readonly object[], settings?: ClickHouseSettings): Promise<void>;
  /** Closes the clients this Db created, when it owns them. */
  close(): Promise<void>;
}

/** How the store spreads calls over the hosts of CLICKHOUSE_HOST. */
export interface Failover {
  /** Attempts per call across the hosts (the retry budget). */
  attempts: number;
  /** Pause before moving to the next host, in ms. */
  delayMs: number;
}

export interface DbConfig {
  /** One client per host, in CLICKHOUSE_HOST order (created lazily by the caller). */
  clients: readonly (() => ClickHouseClient)[];
  table: TableName;
  migrations: TableName;
  secrets: readonly (string | undefined)[];
  target: DdlTarget;
  failover: Failover;
  /** Settings sent with every read (cluster mode: sequential consistency). */
  readSettings: ClickHouseSettings;
  /** Whether the clients are the store's own (closed with it) or the app's. */
  own: boolean;
}

const SETTING = /^[a-z_][a-z0-9_]*$/;

/** ` SETTINGS a = 1, b = 'x'` for the given settings (names checked, strings quoted). */
export function settingsClause(settings: ClickHouseSettings): string {
  const parts = Object.entries(settings).flatMap(([name, value]) => {
    if (value === undefined) return [];
    if (!SETTING.test(name)) throw new TypeError(`not a ClickHouse setting name: ${JSON.stringify(name)}`);
    const literalValue =
      typeof value === 'number'
        ? String(value)
        : typeof value === 'boolean'
          ? value
            ? '1'
            : '0'
          : `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    return [`${name} = ${literalValue}`];
  });
  return parts.length > 0 ? ` SETTINGS ${parts.join(', ')}` : '';
}

/** True for errors where another host may answer: the host is down, unreachable or lagging. */
function movesOn(error: ConversationStoreError): boolean {
  return error.code === 'UNAVAILABLE';
}

/** Wraps the hosts' clients for one table pair. A call goes to the host in use; on a connection error it moves to the next host, within the retry budget. */
export function createDb(config: DbConfig): Db {
  const { table, migrations, secrets, failover } = config;
  const made: (ClickHouseClient | undefined)[] = [];
  let current = 0;
  const clientAt = (i: number): ClickHouseClient => (made[i] ??= config.clients[i]!());

  async function run<T>(what: string, call: (client: ClickHouseClient) => Promise<T>): Promise<T> {
    let last: ConversationStoreError | undefined;
    for (let attempt = 0; attempt < Math.max(1, failover.attempts); attempt++) {
      const host = current;
      try {
        return await call(clientAt(host));
      } catch (error) {
        last = mapError(error, what, table.display, secrets);
        if (!movesOn(last)) throw last;
        // Another call may already have moved on; move only from the host that failed.
        if (current === host) current = (host + 1) % config.clients.length;
        if (attempt + 1 < failover.attempts && failover.delayMs > 0)
          await new Promise((r) => setTimeout(r, failover.delayMs));
      }
    }
    throw last!;
  }

  return {
    get client() {
      return clientAt(current);
    },
    table,
    migrations,
    secrets,
    target: config.target,
    rows<T>(
      what: string,
      query: string,
      params?: Record<string, unknown>,
      settings?: ClickHouseSettings,
    ): Promise<T[]> {
      return run(what, async (client) => {
        const result = await client.query({
          query,
          query_params: params,
          format: 'JSONEachRow',
          clickhouse_settings: { ...config.readSettings, ...settings },
        });
        return result.json<T>();
      });
    },
    text(what, query, params, format) {
      return run(what, async (client) =>
        (await client.query({ query, query_params: params, format, clickhouse_settings: config.readSettings })).text(),
      );
    },
    command(what: string, query: string): Promise<void> {
      return run(what, async (client) => {
        await client.command({ query });
      });
    },
    insert(
      what: string,
      target: TableName,
      values: readonly object[],
      settings: ClickHouseSettings = {},
    ): Promise<void> {
      if (values.length === 0) return Promise.resolve();
      // Settings go inline (INSERT ... SETTINGS), so they hold for this statement only, also on chdb's shared session.
      const query = `INSERT INTO ${target.sql}${settingsClause(settings)} FORMAT JSONEachRow\n${values.map((v) => JSON.stringify(v)).join('\n')}`;
      return run(what, async (client) => {
        await client.command({ query });
      });
    },
    async close() {
      if (config.own) await Promise.all(made.map((c) => c?.close()));
    },
  };
}
