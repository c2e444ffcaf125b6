import type { MigrationReport } from '@agent-conversations/core';
import type { Db } from './db.js';
import { mapError, storeError } from './errors.js';
import type { TableName } from './table-name.js';

/** Oldest ClickHouse this store runs on (an LTS release): it needs ReplacingMergeTree's `is_deleted` column (23.2) with FINAL hiding tombstones, typed query parameters, Map columns and async inserts with `wait_for_async_insert`. */
export const MIN_SERVER_VERSION = '23.8';

/** Cluster mode: `ON CLUSTER` on every DDL statement and Replicated engines. */
export interface ClusterOptions {
  /** The cluster name from the server's `remote_servers` (CLICKHOUSE_CLUSTER). */
  name: string;
  /** ZooKeeper/Keeper path of each replicated table. Default `/clickhouse/tables/{shard}/{database}/{table}`. */
  zooKeeperPath?: string;
  /** Replica name. Default `{replica}` (the server's macro). */
  replica?: string;
}

/** Where the DDL runs: a single server, or every node of a cluster. */
export interface DdlTarget {
  cluster?: ClusterOptions;
}

/** One versioned schema change. */
export interface Migration {
  version: number;
  name: string;
  statements(table: TableName, target?: DdlTarget): string[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** Quotes a ClickHouse string literal. */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** ` ON CLUSTER `name`` in cluster mode, else nothing. */
export function onCluster(target?: DdlTarget): string {
  return target?.cluster ? ` ON CLUSTER \`${target.cluster.name}\`` : '';
}

/** `ReplacingMergeTree(args)`, or its Replicated form with the ZooKeeper path and replica in cluster mode. */
export function engine(args: string, target?: DdlTarget): string {
  const cluster = target?.cluster;
  if (!cluster) return `ReplacingMergeTree${args ? `(${args})` : ''}`;
  const path = cluster.zooKeeperPath ?? DEFAULT_ZOOKEEPER_PATH;
  const replica = cluster.replica ?? DEFAULT_REPLICA;
  return `ReplicatedReplacingMergeTree(${literal(path)}, ${literal(replica)}${args ? `, ${args}` : ''})`;
}

/** Default ZooKeeper path of a replicated table (macros the server expands). */
export const DEFAULT_ZOOKEEPER_PATH = '/clickhouse/tables/{shard}/{database}/{table}';
/** Default replica name (the server's macro). */
export const DEFAULT_REPLICA = '{replica}';

/** Checks a cluster name before it reaches SQL; throws CONFIG. */
export function isClusterName(name: string): boolean {
  return IDENT.test(name);
}

/**
 * Rows per primary-index mark. Smaller granules than the default 8192 keep a window (a key range of a few dozen
 * positions) and the point reads of heads and events from decompressing thousands of neighbouring rows; 1024 read
 * windows and whole conversations as fast as 256 did on chdb, with a quarter of the index.
 */
const INDEX_GRANULARITY = 1024;

/** The schema, as ordered migrations; the applied ones are recorded in `<table>_migrations`. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create conversation table',
    statements: (t, target) => [
      `CREATE TABLE IF NOT EXISTS ${t.sql}${onCluster(target)} (
  user_id String,
  kind UInt8 COMMENT '0 conversation head, 1 message, 2 write event',
  conversation_id String,
  seq UInt64 COMMENT 'message: its position (0-based, dense); event: the write slot; head: 0',
  ver UInt64 COMMENT 'the write slot: +1 on every write to the conversation, never reused',
  is_deleted UInt8,
  message_id String COMMENT 'message id; empty for the head and events',
  updated_at Int64 COMMENT 'Unix ms of the write',
  body String COMMENT 'message JSON; head: meta JSON; event: write id' CODEC(ZSTD(1))
) ENGINE = ${engine('ver, is_deleted', target)}
ORDER BY (user_id, kind, conversation_id, seq)
TTL toDateTime(intDiv(updated_at, 1000)) + INTERVAL 7 DAY DELETE WHERE kind = 2
SETTINGS index_granularity = ${INDEX_GRANULARITY}, ${target?.cluster ? 'replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 3600' : 'non_replicated_deduplication_window = 10000'}`,
    ],
  },
];

/** The schema version this package writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

function parseVersion(text: string): number[] {
  return text.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

/** True when `actual` is at least `minimum` (dotted numeric versions). */
export function versionAtLeast(actual: string, minimum: string): boolean {
  const a = parseVersion(actual);
  const b = parseVersion(minimum);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** Reads `version()` (a query that even very old servers answer) and throws CONFIG when it is below `minimum`. */
export async function checkServerVersion(db: Db, minimum: string): Promise<string> {
  const [row] = await db.rows<{ version: string }>('checking the server version', 'SELECT version() AS version');
  const version = String(row?.version ?? '0');
  if (!versionAtLeast(version, minimum)) {
    throw storeError(
      'CONFIG',
      `ClickHouse server ${version} is too old: @agent-conversations/store-clickhouse needs ClickHouse ${minimum} or newer (ReplacingMergeTree with is_deleted, query parameters, async inserts). Upgrade the server.`,
      db.secrets,
    );
  }
  return version;
}

async function existingTables(db: Db): Promise<string[]> {
  const rows = await db.rows<{ name: string }>(
    'looking for the conversation table',
    'SELECT name FROM system.tables WHERE database = {db:String} AND name IN ({t:String}, {m:String})',
    { db: db.table.database, t: db.table.table, m: db.migrations.table },
  );
  return rows.map((r) => r.name);
}

async function appliedVersion(db: Db): Promise<number> {
  const [row] = await db.rows<{ v: number | string }>(
    'reading the schema version',
    `SELECT max(version) AS v FROM ${db.migrations.sql}`,
  );
  return Number(row?.v ?? 0);
}

/** The schema version recorded for the table: 0 when the tables are missing. */
export async function currentSchemaVersion(db: Db): Promise<{ version: number; tables: string[] }> {
  const tables = await existingTables(db);
  // A recorded version only counts while the table itself is there (it may have been dropped).
  const version =
    tables.includes(db.migrations.table) && tables.includes(db.table.table) ? await appliedVersion(db) : 0;
  return { version, tables };
}

function createFailed(db: Db, error: unknown): Error {
  const mapped = mapError(error, 'creating the tables', db.table.display, db.secrets);
  if (mapped.code === 'UNAUTHORIZED') {
    return storeError(
      'CONFIG',
      `Cannot create ${db.table.display}: the ClickHouse user needs CREATE TABLE on ${db.table.database}.* (GRANT CREATE TABLE ON ${db.table.database}.* TO <user>), or create the tables once with a user that has it and unset CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE. ${mapped.message}`,
      db.secrets,
      error,
    );
  }
  if (mapped.code === 'CONFIG') {
    return storeError(
      'CONFIG',
      `Cannot create ${db.table.display}: database ${db.table.database} does not exist; create it or point CLICKHOUSE_AGENT_CONVERSATIONS_TABLE at an existing database. ${mapped.message}`,
      db.secrets,
      error,
    );
  }
  return mapped;
}

/** The DDL of the migrations table (its own ZooKeeper path in cluster mode). */
export function migrationsTableStatement(t: TableName, target?: DdlTarget): string {
  const cluster = target?.cluster;
  const path = cluster ? (cluster.zooKeeperPath ?? DEFAULT_ZOOKEEPER_PATH) : '';
  const own = cluster
    ? { cluster: { ...cluster, zooKeeperPath: path.includes('{table}') ? path : `${path}_migrations` } }
    : undefined;
  return `CREATE TABLE IF NOT EXISTS ${t.sql}${onCluster(target)} (version UInt32, name String, applied_at DateTime64(3)) ENGINE = ${engine('', own)} ORDER BY version`;
}

/** Applies (or with dryRun only lists) every pending migration and records it; safe to run concurrently (CREATE ... IF NOT EXISTS, replacing version rows). */
export async function migrate(db: Db, dryRun = false): Promise<MigrationReport> {
  const { version: from } = await currentSchemaVersion(db);
  const pending = MIGRATIONS.filter((m) => m.version > from);
  const steps = pending.map((m) => ({
    version: m.version,
    name: m.name,
    sql: m.statements(db.table, db.target).join(';\n'),
  }));
  const report: MigrationReport = { from, to: Math.max(from, SCHEMA_VERSION), steps };
  if (dryRun || pending.length === 0) return report;
  try {
    await db.command('creating the migrations table', migrationsTableStatement(db.migrations, db.target));
    for (const migration of pending) {
      for (const statement of migration.statements(db.table, db.target))
        await db.command('creating the tables', statement);
      const row = { version: migration.version, name: migration.name, applied_at: Date.now() };
      await db.insert('recording the schema version', db.migrations, [row], {
        async_insert: 0,
        insert_deduplication_token: '',
      });
    }
  } catch (error) {
    throw createFailed(db, error);
  }
  return report;
}

/** Makes sure the tables exist at this package's schema version: migrates when allowed, else throws a CONFIG error naming what is missing. */
export async function ensureSchema(db: Db, autoCreate: boolean): Promise<void> {
  const { version, tables } = await currentSchemaVersion(db);
  const ready = tables.includes(db.table.table) && tables.includes(db.migrations.table);
  if (version > SCHEMA_VERSION) {
    throw storeError(
      'CONFIG',
      `${db.table.display} is at schema version ${version}, newer than this package knows (${SCHEMA_VERSION}); upgrade @agent-conversations/store-clickhouse`,
      db.secrets,
    );
  }
  if (version === SCHEMA_VERSION) return;
  if (autoCreate) {
    await migrate(db);
    return;
  }
  const missing = ready
    ? `is at schema version ${version}, this package needs ${SCHEMA_VERSION}`
    : tables.includes(db.table.table)
      ? `exists but its schema record ${db.migrations.display} does not`
      : 'does not exist';
  throw storeError(
    'CONFIG',
    `ClickHouse table ${db.table.display} ${missing}. Set CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE=true (the ClickHouse user then needs CREATE TABLE on ${db.table.database}.*), or run migrate() once with a user that has it.`,
    db.secrets,
  );
}
