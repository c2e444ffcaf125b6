import { ConversationStoreError, type MigrationReport } from '@agent-conversations/core';
import { column } from './rows.js';
import { sql, type SqlRunner } from './runner.js';
import { MIGRATIONS } from './schema.js';

/** Schema version of a step: its position in MIGRATIONS, from 1 (`0001_init.sql` is version 1). */
const versionOf = (name: string): number => MIGRATIONS.findIndex((m) => m.name === name) + 1;

/** The schema version recorded in `table` (0 when none), read without changing anything. */
export async function schemaVersion(runner: SqlRunner, table: string): Promise<number> {
  const [tables = []] = await runner.read([
    sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", table),
  ]);
  if (tables.length === 0) return 0;
  const [rows = []] = await runner.read([sql(`SELECT name FROM ${table}`)]);
  return Math.max(0, ...column(rows, 'name').map(versionOf));
}

/**
 * Applies every schema step not yet recorded in `table` (wrangler's `d1_migrations` layout), each step and its record
 * in one transaction; with dryRun only reports the pending steps.
 */
export async function applyMigrations(
  runner: SqlRunner,
  table: string,
  options: { dryRun?: boolean } = {},
): Promise<MigrationReport> {
  const from = await schemaVersion(runner, table);
  const [rows = []] = from === 0 ? [[]] : await runner.read([sql(`SELECT name FROM ${table}`)]);
  const applied = new Set(column(rows, 'name'));
  const pending = MIGRATIONS.filter((m) => !applied.has(m.name));
  const steps = pending.map((m) => ({ version: versionOf(m.name), name: m.name, sql: `${m.statements.join(';\n')};` }));
  if (options.dryRun || pending.length === 0)
    return { from, to: Math.max(from, ...steps.map((s) => s.version)), steps };
  await runner.write([
    sql(
      `CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
    ),
  ]);
  for (const migration of pending) {
    try {
      await runner.write([
        ...migration.statements.map((s) => sql(s)),
        sql(`INSERT INTO ${table} (name) VALUES (?)`, migration.name),
      ]);
    } catch (error) {
      // A concurrent migrate recorded the same step first; its transaction applied it.
      if (!(error instanceof ConversationStoreError && error.code === 'CONFLICT')) throw error;
    }
  }
  return { from, to: await schemaVersion(runner, table), steps };
}
