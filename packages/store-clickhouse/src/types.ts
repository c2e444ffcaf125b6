import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { ConversationStore, HealthCheck, MigrationReport } from '@agent-conversations/core';

/** Connect with a URL and credentials; the store creates (and closes) its own client. */
export interface ClickHouseConnectionOptions {
  /** HTTP(S) endpoint, e.g. `http://clickhouse:8123`. */
  url: string;
  username?: string;
  password?: string;
  /** Database of the default table (`${database}.agent_conversations`). Default `default`. */
  database?: string;
  /** Per-request timeout in ms. Default 30000. */
  requestTimeoutMs?: number;
}

/** Use a client the app already has (the store never closes it), e.g. one over `chdb/connection`. */
export interface ClickHouseClientConnection {
  client: ClickHouseClient;
  /** Database of the default table. Default `default`. */
  database?: string;
}

/** How the store uses ClickHouse. */
export interface ClickHouseStoreOptions {
  /** `db.table` (or `table`, in the connection's database); default `${database}.agent_conversations`. */
  table?: string;
  /** Create or migrate the tables on first use (the user needs CREATE TABLE). Default false. */
  autoCreate?: boolean;
  /** Insert with `async_insert=1`. Default true. */
  asyncInsert?: boolean;
  /** Resolve an async insert only once it is stored (`wait_for_async_insert=1`). With false, a write may be lost or not yet visible to the next read. Default true. */
  waitForAsyncInsert?: boolean;
  /** More settings for every insert (e.g. `async_insert_busy_timeout_max_ms`), applied after the two above. */
  insertSettings?: ClickHouseSettings;
  /** Refuse servers older than this version. Default `MIN_SERVER_VERSION` (23.8). */
  minServerVersion?: string;
  /** Clock in Unix ms for timestamps (tests). Default `Date.now`. */
  now?: () => number;
}

/** The ClickHouse store: a ConversationStore plus explicit migration, user listing and live checks. */
export interface ClickHouseConversationStore extends ConversationStore {
  readonly kind: 'clickhouse';
  /** The conversation table as `db.table`. */
  readonly table: string;
  /** Checks the server version and applies (or with dryRun lists) pending schema migrations. */
  migrate(options?: { dryRun?: boolean }): Promise<MigrationReport>;
  /** A page of user ids with live conversations, ascending; the cursor is the last id of the previous page. */
  listUsers(options?: { limit?: number; cursor?: string }): Promise<{ items: string[]; nextCursor: string | null }>;
  /** Live checks for `doctor`: reachable, credentials, server version, schema version, grants. */
  diagnose(): Promise<HealthCheck[]>;
}
