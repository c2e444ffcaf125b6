import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { ConversationStore, HealthCheck, MigrationReport } from '@agent-conversations/core';
import type { Message, MessageInput, MessageWindow, WindowOptions } from '@agent-conversations/core';

/** Connect with URLs and credentials; the store creates (and closes) its own clients. */
export interface ClickHouseConnectionOptions {
  /** HTTP(S) endpoint, e.g. `http://clickhouse:8123`, or several (CLICKHOUSE_HOST's comma-separated hosts): every one is used, in order, moving on when one fails. */
  url: string | readonly string[];
  username?: string;
  password?: string;
  /** Database of the default table (`${database}.agent_conversations`). Default `default`. */
  database?: string;
  /** Per-request timeout in ms. Default 30000. */
  requestTimeoutMs?: number;
}

/** Use a client the app already has (the store never closes it), e.g. one over `chdb/connection`; several clients are hosts to fail over between. */
export interface ClickHouseClientConnection {
  client: ClickHouseClient | readonly ClickHouseClient[];
  /** Database of the default table. Default `default`. */
  database?: string;
}

/** Cluster mode: every DDL statement runs `ON CLUSTER`, tables use Replicated engines, and reads and writes use quorum settings. */
export interface ClickHouseClusterOptions {
  /** The cluster's name in the server's `remote_servers` (CLICKHOUSE_CLUSTER). */
  name: string;
  /** ZooKeeper/Keeper path of each table. Default `/clickhouse/tables/{shard}/{database}/{table}`. */
  zooKeeperPath?: string;
  /** Replica name. Default `{replica}`. */
  replica?: string;
}

/** How the store uses ClickHouse. */
export interface ClickHouseStoreOptions {
  /** `db.table` (or `table`, in the connection's database); default `${database}.agent_conversations`. */
  table?: string;
  /** Create or migrate the tables on first use (the user needs CREATE TABLE). Default false. */
  autoCreate?: boolean;
  /** Cluster name (or options): `ON CLUSTER` DDL and `Replicated*MergeTree`. Default: single server. */
  cluster?: string | ClickHouseClusterOptions;
  /** More settings for every insert, applied after the store's own (cluster mode: `insert_quorum: 'auto'`, `insert_quorum_parallel: 0`). */
  insertSettings?: ClickHouseSettings;
  /** More settings for every read, applied after the store's own (cluster mode: `select_sequential_consistency: 1`). */
  readSettings?: ClickHouseSettings;
  /** Attempts of one call across the hosts when a host is unreachable or lagging (the retry budget). Default: twice the number of hosts. */
  hostAttempts?: number;
  /** Pause before trying the next host, in ms. Default 50. */
  hostRetryDelayMs?: number;
  /** Attempts of a write without expectedVersion while other writers keep taking the conversation's next slot; then CONFLICT (retryable). Default 20. */
  writeAttempts?: number;
  /** How long (ms) a conversation's state read or written by this store may start its next write (the write still competes for its slot). 0 turns it off. Default 2000. */
  stateCacheMs?: number;
  /** Refuse servers older than this version. Default `MIN_SERVER_VERSION` (23.8). */
  minServerVersion?: string;
  /** Clock in Unix ms for timestamps (tests). Default `Date.now`. */
  now?: () => number;
}

/** The ClickHouse store: a ConversationStore plus explicit migration, user listing and live checks. */
export interface ClickHouseConversationStore<M extends MessageInput = Message> extends ConversationStore<M> {
  readonly kind: 'clickhouse';
  /** The conversation table as `db.table`. */
  readonly table: string;
  /** Checks the server version and applies (or with dryRun lists) pending schema migrations. */
  migrate(options?: { dryRun?: boolean }): Promise<MigrationReport>;
  /** A page of user ids with live conversations, ascending; the cursor is the last id of the previous page. */
  listUsers(options?: { limit?: number; cursor?: string }): Promise<{ items: string[]; nextCursor: string | null }>;
  /** Live checks for `doctor`: reachable, credentials, server version, schema version, grants. */
  diagnose(): Promise<HealthCheck[]>;
  /** The newest `limit` messages (default 50), or with `before` the ones just older; one key-bounded query however long the conversation. */
  window(userId: string, id: string, options?: WindowOptions): Promise<MessageWindow<M> | null>;
}
