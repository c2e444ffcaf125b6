import {
  ConversationStoreError,
  type ConversationStore,
  type HealthCheck,
  type MigrationReport,
} from '@agent-conversations/core';
import { createSqlStore } from '../shared/engine.js';
import { applyMigrations, schemaVersion } from '../shared/migrate.js';
import { sql, type SqlRunner } from '../shared/runner.js';
import { MIGRATIONS } from '../shared/schema.js';
import { readWindow } from '../shared/window.js';
import { d1Runner, isD1Database, type D1DatabaseLike } from './runner.js';
import type { Message, MessageInput, MessageWindow, WindowOptions } from '@agent-conversations/core';

/** The table wrangler records applied migrations in; migrateD1 uses the same one, so both see each other's work. */
export const D1_MIGRATIONS_TABLE = 'd1_migrations';

/** Options of createD1Store. */
export interface D1StoreOptions {
  /** The D1 binding from the Worker env (`env.CONVERSATIONS_D1`). */
  binding: D1DatabaseLike;
  /** Apply pending migrations before the first query (default false: run `agent-conversations-cloudflare migrate`). */
  autoMigrate?: boolean;
  /** Clock for timestamps (tests). Defaults to Date.now. */
  now?: () => number;
}

/** A D1 conversation store with its migration step, user listing and health checks. */
export interface D1ConversationStore<M extends MessageInput = Message> extends ConversationStore<M> {
  readonly kind: 'd1';
  /** Applies pending migrations (same files and table as `wrangler d1 migrations apply`), or only lists them with dryRun. */
  migrate(options?: { dryRun?: boolean }): Promise<MigrationReport>;
  /** A page of the user ids that have conversations, ascending. */
  listUsers(options?: { limit?: number; cursor?: string }): Promise<{ items: string[]; nextCursor: string | null }>;
  /** Live checks: the database answers, and its schema version is the latest. */
  diagnose(): Promise<HealthCheck[]>;
  /** The newest `limit` messages (or those just older than `before`), reading only them; null when missing. */
  window(userId: string, id: string, options?: WindowOptions): Promise<MessageWindow<M> | null>;
}

/** Applies the package's migrations to a D1 database from code (or only lists them with dryRun). */
export async function migrateD1(binding: D1DatabaseLike, options: { dryRun?: boolean } = {}): Promise<MigrationReport> {
  if (!isD1Database(binding))
    throw new ConversationStoreError('CONFIG', 'migrateD1 takes a D1 binding such as env.CONVERSATIONS_D1', {
      adapter: 'd1',
    });
  return applyMigrations(d1Runner(binding), D1_MIGRATIONS_TABLE, options);
}

async function listUsers(
  runner: SqlRunner,
  options: { limit?: number; cursor?: string } = {},
): Promise<{ items: string[]; nextCursor: string | null }> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new ConversationStoreError('VALIDATION', 'limit must be an integer from 1 to 1000', { adapter: 'd1' });
  if (options.cursor !== undefined && typeof options.cursor !== 'string')
    throw new ConversationStoreError('VALIDATION', 'cursor must be the nextCursor of the previous page', {
      adapter: 'd1',
    });
  const [rows = []] = await runner.read([
    sql(
      'SELECT DISTINCT user_id FROM agent_conversations WHERE user_id > ? ORDER BY user_id LIMIT ?',
      options.cursor ?? '',
      limit + 1,
    ),
  ]);
  const items = rows.slice(0, limit).map((r) => String(r.user_id));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]! : null };
}

async function diagnose(runner: SqlRunner): Promise<HealthCheck[]> {
  const latest = MIGRATIONS.length;
  try {
    await runner.read([sql('SELECT 1')]);
  } catch (error) {
    return [{ name: 'reachable', ok: false, detail: error instanceof Error ? error.message : String(error) }];
  }
  const version = await schemaVersion(runner, D1_MIGRATIONS_TABLE);
  const fix = 'run `agent-conversations-cloudflare migrate --remote` (or migrateD1(env.CONVERSATIONS_D1))';
  return [
    { name: 'reachable', ok: true, detail: 'the D1 binding answers queries' },
    {
      name: 'schema version',
      ok: version === latest,
      detail: version === latest ? `at version ${version}` : `at version ${version}, latest is ${latest}: ${fix}`,
    },
  ];
}

/** Runs the migrations once before the first statement; a failed attempt is retried on the next call. */
function migratingRunner(runner: SqlRunner, migrate: () => Promise<MigrationReport>): SqlRunner {
  let ready: Promise<unknown> | undefined;
  const ensure = async (): Promise<void> => {
    ready ??= migrate().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    await ready;
  };
  return {
    read: async (statements) => (await ensure(), runner.read(statements)),
    write: async (statements) => (await ensure(), runner.write(statements)),
  };
}

/** A conversation store on Cloudflare D1; no I/O until the first call, each write one atomic batch, every query scoped by user. */
export function createD1Store<M extends MessageInput = Message>(options: D1StoreOptions): D1ConversationStore<M>;
export function createD1Store(options: D1StoreOptions): D1ConversationStore;
export function createD1Store(options: D1StoreOptions): D1ConversationStore {
  if (!isD1Database(options?.binding)) {
    throw new ConversationStoreError(
      'CONFIG',
      'createD1Store needs { binding: env.CONVERSATIONS_D1 } (a D1 database binding)',
      { adapter: 'd1' },
    );
  }
  const { binding } = options;
  const base = d1Runner(binding);
  const runner = options.autoMigrate ? migratingRunner(base, () => migrateD1(binding)) : base;
  return Object.assign(createSqlStore(runner, { kind: 'd1', now: options.now }), {
    kind: 'd1' as const,
    migrate: (opts?: { dryRun?: boolean }) => migrateD1(binding, opts),
    listUsers: (opts?: { limit?: number; cursor?: string }) => listUsers(base, opts),
    diagnose: () => diagnose(base),
    window: (userId: string, id: string, opts?: WindowOptions) => readWindow(runner, userId, id, opts, 'SQLite'),
  });
}
