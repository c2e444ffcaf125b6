import type { HealthCheck } from '@agent-conversations/core';
import type { Db } from './db.js';
import { mapError } from './errors.js';
import { currentSchemaVersion, SCHEMA_VERSION, versionAtLeast } from './schema.js';

/** Live checks for `doctor`: reachable, credentials, server version, schema version, grants. Never throws for a server problem. */
export async function diagnose(db: Db, minimum: string, autoCreate: boolean): Promise<HealthCheck[]> {
  let facts: { version: string; user: string };
  try {
    const [row] = await db.rows<{ version: string; user: string }>(
      'connecting',
      'SELECT version() AS version, currentUser() AS user',
    );
    facts = { version: String(row?.version ?? '?'), user: String(row?.user ?? '?') };
  } catch (error) {
    const mapped = mapError(error, 'connecting', db.table.display, db.secrets);
    const reachable = mapped.code !== 'UNAVAILABLE';
    return [
      { name: 'reachable', ok: reachable, detail: reachable ? 'ClickHouse answered' : mapped.message },
      ...(reachable ? [{ name: 'credentials', ok: false, detail: mapped.message }] : []),
    ];
  }
  const versionOk = versionAtLeast(facts.version, minimum);
  const checks: HealthCheck[] = [
    { name: 'reachable', ok: true, detail: 'ClickHouse answered' },
    { name: 'credentials', ok: true, detail: `logged in as "${facts.user}"` },
    {
      name: 'server version',
      ok: versionOk,
      detail: versionOk
        ? `ClickHouse ${facts.version}`
        : `ClickHouse ${facts.version}; version ${minimum} or newer is required`,
    },
  ];
  if (!versionOk) return checks;
  const { version } = await currentSchemaVersion(db);
  const current = version === SCHEMA_VERSION;
  const fix = autoCreate
    ? 'the tables are created on first use (CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE; needs CREATE TABLE)'
    : 'run migrate() or set CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE=true';
  checks.push({
    name: 'schema version',
    ok: current || (autoCreate && version < SCHEMA_VERSION),
    detail: current
      ? `${db.table.display} at version ${version} (current)`
      : version > SCHEMA_VERSION
        ? `version ${version} is newer than this package (${SCHEMA_VERSION}); upgrade it`
        : `${db.table.display} at version ${version} of ${SCHEMA_VERSION}; ${fix}`,
  });
  if (!current) return checks;
  try {
    // Inserting zero rows needs both privileges and writes nothing.
    await db.command('checking grants', `INSERT INTO ${db.table.sql} SELECT * FROM ${db.table.sql} WHERE 0`);
    checks.push({ name: 'grants', ok: true, detail: `"${facts.user}" may SELECT and INSERT on ${db.table.display}` });
  } catch (error) {
    checks.push({
      name: 'grants',
      ok: false,
      detail: `"${facts.user}" needs SELECT and INSERT on ${db.table.display}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return checks;
}
