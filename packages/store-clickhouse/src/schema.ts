import type { MigrationReport } from '@agent-conversations/core';
import type { Db } from './db.js';
import { mapError, storeError } from './errors.js';
import type { TableName } from './table-name.js';

/** Oldest ClickHouse this store runs on (an LTS release): it needs ReplacingMergeTree's `is_deleted` column (23.2) with FINAL hiding tombstones, typed query parameters, Map columns and async inserts with `wait_for_async_insert`. */
export const MIN_SERVER_VERSION = '23.8';

/** One versioned schema change. */
export interface Migration {
  version: number;
  name: string;
  statements(table: TableName): string[];
}

/** The schema, as ordered migrations; the applied ones are recorded in `<table>_migrations`. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create conversation table',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.sql} (
  user_id String,
  conversation_id String,
  kind UInt8 COMMENT '0 conversation head, 1 message, 2 write event (one per write)',
  generation String COMMENT 'incarnation of the conversation; a new one after delete',
  seq UInt64 COMMENT 'message order and event order (hybrid clock); 0 for the head',
  row_id String COMMENT 'message id, event id, or empty for the head',
  ver UInt64 COMMENT 'ReplacingMergeTree version; tombstones use the maximum',
  is_deleted UInt8,
  created_at Int64,
  updated_at Int64,
  base_seq UInt64 COMMENT 'head: events up to this seq are folded into the head',
  last_seq UInt64 COMMENT 'head and event: highest message seq written',
  message_count UInt64 COMMENT 'head: messages at the head write; event: messages appended',
  usage Map(String, Float64) COMMENT 'event: usage delta',
  fp String COMMENT 'message: fingerprint of the JSON, for change detection',
  body String COMMENT 'message JSON; head: title, model, provider, usage, metadata as JSON; event: title candidate' CODEC(ZSTD(1))
) ENGINE = ReplacingMergeTree(ver, is_deleted)
ORDER BY (user_id, conversation_id, kind, generation, seq, row_id)
SETTINGS non_replicated_deduplication_window = 10000`,
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
  const [row] = await db.rows<{ v: number | string }>('reading the schema version', `SELECT max(version) AS v FROM ${db.migrations.sql}`);
  return Number(row?.v ?? 0);
}

/** The schema version recorded for the table: 0 when the tables are missing. */
export async function currentSchemaVersion(db: Db): Promise<{ version: number; tables: string[] }> {
  const tables = await existingTables(db);
  // A recorded version only counts while the table itself is there (it may have been dropped).
  const version = tables.includes(db.migrations.table) && tables.includes(db.table.table) ? await appliedVersion(db) : 0;
  return { version, tables };
}

function createFailed(db: Db, error: unknown): Error {
  const mapped = mapError(error, 'creating the tables', db.table.display, db.secrets);
  if (mapped.code === 'UNAUTHORIZED') {
    return storeError('CONFIG', `Cannot create ${db.table.display}: the ClickHouse user needs CREATE TABLE on ${db.table.database}.* (GRANT CREATE TABLE ON ${db.table.database}.* TO <user>), or create the tables once with a user that has it and unset CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE. ${mapped.message}`, db.secrets, error);
  }
  if (mapped.code === 'CONFIG') {
    return storeError('CONFIG', `Cannot create ${db.table.display}: database ${db.table.database} does not exist; create it or point CLICKHOUSE_AGENT_CONVERSATIONS_TABLE at an existing database. ${mapped.message}`, db.secrets, error);
  }
  return mapped;
}

/** Applies (or with dryRun only lists) every pending migration and records it; safe to run concurrently (CREATE ... IF NOT EXISTS, replacing version rows). */
export async function migrate(db: Db, dryRun = false): Promise<MigrationReport> {
  const { version: from } = await currentSchemaVersion(db);
  const pending = MIGRATIONS.filter((m) => m.version > from);
  const steps = pending.map((m) => ({ version: m.version, name: m.name, sql: m.statements(db.table).join(';\n') }));
  const report: MigrationReport = { from, to: Math.max(from, SCHEMA_VERSION), steps };
  if (dryRun || pending.length === 0) return report;
  try {
    await db.client.command({
      query: `CREATE TABLE IF NOT EXISTS ${db.migrations.sql} (version UInt32, name String, applied_at DateTime64(3)) ENGINE = ReplacingMergeTree ORDER BY version`,
    });
    for (const migration of pending) {
      for (const statement of migration.statements(db.table)) await db.client.command({ query: statement });
      await db.client.insert({
        table: db.migrations.sql,
        values: [{ version: migration.version, name: migration.name, applied_at: Date.now() }],
        format: 'JSONEachRow',
        clickhouse_settings: { async_insert: 0, insert_deduplication_token: '' },
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
    throw storeError('CONFIG', `${db.table.display} is at schema version ${version}, newer than this package knows (${SCHEMA_VERSION}); upgrade @agent-conversations/store-clickhouse`, db.secrets);
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
