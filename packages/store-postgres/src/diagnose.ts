import type { HealthCheck } from '@agent-conversations/core';
import type { TableNames } from './config.js';
import type { Db } from './db.js';
import { toStoreError, type ErrorContext } from './errors.js';
import { currentVersion, LATEST_VERSION } from './migrations.js';

interface ServerFacts {
  version: string;
  version_num: string;
  encoding: string;
  user: string;
  database: string;
  schema_usage: boolean | null;
  schema_create: boolean | null;
  database_create: boolean;
}

const MIN_VERSION = 130000;

/** Live checks for `doctor`: reachable, credentials, server version, encoding, schema version, grants. Never throws for a server problem. */
export async function diagnose(db: Db, t: TableNames, ctx: ErrorContext, autoMigrate: boolean): Promise<HealthCheck[]> {
  let facts: ServerFacts;
  try {
    const { rows } = await db.query<ServerFacts>(
      `SELECT split_part(version(), ' ', 2) AS version, current_setting('server_version_num') AS version_num,
        current_setting('server_encoding') AS encoding, current_user AS user, current_database() AS database,
        CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) THEN has_schema_privilege($1, 'USAGE') END AS schema_usage,
        CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) THEN has_schema_privilege($1, 'CREATE') END AS schema_create,
        has_database_privilege(current_database(), 'CREATE') AS database_create`,
      [t.schema],
    );
    facts = rows[0]!;
  } catch (error) {
    const mapped = toStoreError(error, ctx, 'connect');
    const reachable = mapped.code !== 'UNAVAILABLE';
    return [
      { name: 'reachable', ok: reachable, detail: reachable ? `PostgreSQL at ${ctx.target} answered` : mapped.message },
      ...(reachable ? [{ name: 'credentials', ok: false, detail: mapped.message }] : []),
    ];
  }
  const checks: HealthCheck[] = [
    { name: 'reachable', ok: true, detail: `PostgreSQL at ${ctx.target} answered` },
    { name: 'credentials', ok: true, detail: `logged in as "${facts.user}" to database "${facts.database}"` },
    {
      name: 'server version',
      ok: Number(facts.version_num) >= MIN_VERSION,
      detail:
        Number(facts.version_num) >= MIN_VERSION
          ? `PostgreSQL ${facts.version}`
          : `PostgreSQL ${facts.version}; version 13 or newer is required`,
    },
    {
      name: 'encoding',
      ok: facts.encoding === 'UTF8',
      detail: facts.encoding === 'UTF8' ? 'UTF8' : `${facts.encoding}; conversations need a UTF8 database`,
    },
  ];
  const version = await currentVersion(db.query, t);
  const current = version === LATEST_VERSION;
  const fix = autoMigrate
    ? 'pending migrations are applied on first use (autoMigrate)'
    : "run the store's migrate() or apply the SQL files in migrations/";
  checks.push({
    name: 'schema version',
    ok: current || (autoMigrate && version < LATEST_VERSION),
    detail: current
      ? `version ${version} (current)`
      : version > LATEST_VERSION
        ? `version ${version} is newer than this package (${LATEST_VERSION}); upgrade it`
        : `version ${version} of ${LATEST_VERSION}; ${fix}`,
  });
  checks.push(await grants(db, t, facts, current));
  return checks;
}

async function grants(db: Db, t: TableNames, facts: ServerFacts, current: boolean): Promise<HealthCheck> {
  if (facts.schema_usage === null) {
    if (facts.database_create)
      return {
        name: 'grants',
        ok: !current,
        detail: `schema "${t.schema}" does not exist yet; migrate creates it ("${facts.user}" has CREATE on the database)`,
      };
    return {
      name: 'grants',
      ok: false,
      detail: `"${facts.user}" lacks CREATE on database "${facts.database}" to create schema "${t.schema}"; grant it, or have an admin run CREATE SCHEMA "${t.schema}" AUTHORIZATION "${facts.user}"`,
    };
  }
  const missing: string[] = [];
  if (!facts.schema_usage) missing.push(`USAGE on schema "${t.schema}"`);
  if (!current && !facts.schema_create) missing.push(`CREATE on schema "${t.schema}" (to migrate)`);
  if (current) {
    const { rows } = await db.query<{ ok: boolean }>(
      // Listing several privileges in one call is true when ANY is held: check each.
      `SELECT ${[1, 2].flatMap((p) => ['SELECT', 'INSERT', 'UPDATE', 'DELETE'].map((priv) => `has_table_privilege($${p}, '${priv}')`)).join(' AND ')} AS ok`,
      [t.conversations, t.messages],
    );
    if (!rows[0]?.ok) missing.push(`SELECT, INSERT, UPDATE, DELETE on ${t.conversations} and ${t.messages}`);
  }
  return {
    name: 'grants',
    ok: missing.length === 0,
    detail:
      missing.length === 0
        ? `"${facts.user}" has the privileges it needs`
        : `"${facts.user}" lacks ${missing.join('; ')}`,
  };
}
