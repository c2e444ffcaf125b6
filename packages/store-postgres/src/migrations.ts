import { fingerprint, type MigrationReport } from '@agent-conversations/core';
import { tableNames, type TableNames } from './config.js';
import type { Db, Query } from './db.js';
import { storeError } from './errors.js';

/** One schema change, identified by its version. */
export interface Migration {
  version: number;
  name: string;
  /** The DDL for these table names; idempotent (IF NOT EXISTS), so re-running a file is a no-op. */
  sql(names: TableNames): string;
}

const bare = (name: string): string => name.replace(/"/g, '');
const tableOnly = (qualified: string): string => bare(qualified.split('.')[1] ?? qualified);

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create_tables',
    sql: (t) => `CREATE TABLE IF NOT EXISTS ${t.conversations} (
  user_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  title text NOT NULL,
  auto_title text,
  message_count integer NOT NULL DEFAULT 0,
  model text,
  provider text,
  usage_set boolean NOT NULL DEFAULT false,
  input_tokens double precision,
  output_tokens double precision,
  reasoning_tokens double precision,
  cached_tokens double precision,
  cost_usd double precision,
  duration_ms double precision,
  metadata text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  version integer NOT NULL,
  CONSTRAINT "${tableOnly(t.conversations)}_pkey" PRIMARY KEY (user_id, id)
);
CREATE TABLE IF NOT EXISTS ${t.messages} (
  user_id text COLLATE "C" NOT NULL,
  conversation_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  message_id text COLLATE "C" NOT NULL,
  hash text NOT NULL,
  json text NOT NULL,
  CONSTRAINT "${tableOnly(t.messages)}_pkey" PRIMARY KEY (user_id, conversation_id, seq),
  CONSTRAINT "${tableOnly(t.messages)}_message_id_key" UNIQUE (user_id, conversation_id, message_id)
);
-- Deleting conversations deletes their messages. A trigger rather than a foreign key: every message is written by a
-- statement joined to its locked conversation row, and a foreign-key check would add a lookup and a lock to each append.
-- Its DELETE runs with a fresh snapshot, so it also removes messages an append committed while the delete waited.
CREATE OR REPLACE FUNCTION "${t.schema}"."${t.prefix}delete_messages"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ${t.messages} WHERE user_id = OLD.user_id AND conversation_id = OLD.id;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS "${t.prefix}delete_messages" ON ${t.conversations};
CREATE TRIGGER "${t.prefix}delete_messages" AFTER DELETE ON ${t.conversations}
  FOR EACH ROW EXECUTE FUNCTION "${t.schema}"."${t.prefix}delete_messages"();`,
  },
  {
    version: 2,
    name: 'list_index',
    sql: (t) => `CREATE INDEX IF NOT EXISTS "${tableOnly(t.conversations)}_list_idx"
  ON ${t.conversations} (user_id, updated_at DESC, id DESC);`,
  },
  {
    version: 3,
    name: 'prefix_digest',
    // scanMessages' digest of the first prefix_count messages (upsert writes it, append leaves it): an upsert of a list that
    // starts with the stored messages compares this one number instead of reading a hash per message. A column with a
    // constant default is added without rewriting the table; existing rows start at 0 (no digest yet).
    sql: (t) => `ALTER TABLE ${t.conversations}
  ADD COLUMN IF NOT EXISTS prefix_count integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS prefix_digest bigint;`,
  },
];

/** The newest schema version this package knows. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The name of the unique constraint that makes a duplicate message id a CONFLICT. */
export const messageIdConstraint = (t: TableNames): string => `${tableOnly(t.messages)}_message_id_key`;

/** A transaction-scoped advisory lock key for this schema and prefix (53-bit, fits a bigint). */
export const lockKey = (t: TableNames): string =>
  String(parseInt(fingerprint(`agent-conversations:${t.schema}.${t.prefix}`), 16));
/** The lock taken before creating the schema, so stores with other prefixes creating it at once do not collide. */
const schemaLockKey = (t: TableNames): string =>
  String(parseInt(fingerprint(`agent-conversations:schema:${t.schema}`), 16));

const versionsTable = (t: TableNames): string => `CREATE TABLE IF NOT EXISTS ${t.versions} (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);`;

/** A migration as a self-contained SQL file for CI (psql -f): one transaction, the advisory lock, the version row. */
export function migrationFile(migration: Migration, names: TableNames = tableNames()): string {
  return `-- @agent-conversations/store-postgres migration ${migration.version}: ${migration.name}
-- Schema "${names.schema}", table prefix "${names.prefix}". Safe to re-run: every statement is idempotent.
BEGIN;
SELECT pg_advisory_xact_lock(${lockKey(names)});
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '${names.schema}') THEN CREATE SCHEMA "${names.schema}"; END IF; END $$;
${versionsTable(names)}
${migration.sql(names)}
INSERT INTO ${names.versions} (version, name) VALUES (${migration.version}, '${migration.name}') ON CONFLICT (version) DO NOTHING;
COMMIT;
`;
}

/** Every migration rendered for a schema and table prefix, e.g. to write your own SQL files for CI. */
export function migrationFiles(
  options: { schema?: string; tablePrefix?: string } = {},
): { version: number; fileName: string; sql: string }[] {
  const names = tableNames(options.schema, options.tablePrefix);
  return MIGRATIONS.map((m) => ({
    version: m.version,
    fileName: `${String(m.version).padStart(4, '0')}_${m.name}.sql`,
    sql: migrationFile(m, names),
  }));
}

function checkNotNewer(version: number): void {
  if (version > LATEST_VERSION) {
    throw storeError(
      'CONFIG',
      `the conversation tables are at schema version ${version}, newer than this @agent-conversations/store-postgres supports (${LATEST_VERSION}); upgrade the package`,
    );
  }
}

/** The applied schema version without taking a lock; 0 when the version table does not exist. */
export async function currentVersion(query: Query, t: TableNames): Promise<number> {
  const found = await query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [`${t.versions}`]);
  if (!found.rows[0]?.exists) return 0;
  const { rows } = await query<{ version: number | null }>(`SELECT max(version) AS version FROM ${t.versions}`);
  return rows[0]?.version ?? 0;
}

const step = (m: Migration, t: TableNames): MigrationReport['steps'][number] => ({
  version: m.version,
  name: m.name,
  sql: m.sql(t),
});

/** What migrate would apply now, without applying it. */
export async function planMigrations(db: Db, t: TableNames): Promise<MigrationReport> {
  const from = await currentVersion(db.query, t);
  checkNotNewer(from);
  const steps = MIGRATIONS.filter((m) => m.version > from).map((m) => step(m, t));
  return { from, to: Math.max(from, LATEST_VERSION), steps };
}

/** Applies pending migrations in one transaction under an advisory lock, so concurrent processes apply each once. */
export async function migrate(db: Db, t: TableNames): Promise<MigrationReport> {
  const before = await currentVersion(db.query, t);
  checkNotNewer(before);
  if (before >= LATEST_VERSION) return { from: before, to: before, steps: [] };
  return db.transaction(async (query) => {
    // DDL on a big table may outlast the statement timeout; the lock wait may too.
    await query("SET LOCAL statement_timeout = '0'", [], false);
    await query('SELECT pg_advisory_xact_lock($1)', [lockKey(t)], false);
    const { rows } = await query<{ encoding: string; schema_exists: boolean }>(
      "SELECT current_setting('server_encoding') AS encoding, EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists",
      [t.schema],
    );
    if (rows[0]?.encoding !== 'UTF8')
      throw storeError(
        'CONFIG',
        `the database encoding is ${rows[0]?.encoding}; conversations need a UTF8 database (CREATE DATABASE ... ENCODING 'UTF8')`,
      );
    if (!rows[0]?.schema_exists) {
      await query('SELECT pg_advisory_xact_lock($1)', [schemaLockKey(t)], false);
      await query(`CREATE SCHEMA IF NOT EXISTS "${t.schema}"`, [], false);
    }
    const from = await currentVersion(query, t);
    checkNotNewer(from);
    if (from === 0) await query(versionsTable(t), [], false);
    const steps: MigrationReport['steps'] = [];
    for (const migration of MIGRATIONS.filter((m) => m.version > from)) {
      await query(migration.sql(t), [], false);
      await query(
        `INSERT INTO ${t.versions} (version, name) VALUES ($1, $2)`,
        [migration.version, migration.name],
        false,
      );
      steps.push(step(migration, t));
    }
    // `from` is the version found before waiting for the lock: another process may have applied the steps meanwhile.
    return { from: before, to: LATEST_VERSION, steps };
  });
}
