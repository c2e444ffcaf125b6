import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { assertConversationId, assertUtf8UserId, ConversationStoreError, encodeCursor, parseListOptions, type ListPage, type MigrationReport, type StoredConversation } from '@agent-conversations/core';
import { loadMessageRows, loadState, messagesOf, type StoreInternals } from './context.js';
import { createDb, type Db } from './db.js';
import { ADAPTER, storeError } from './errors.js';
import { diagnose } from './diagnose.js';
import { listQuery, usersQuery } from './queries.js';
import { checkServerVersion, ensureSchema, migrate, MIN_SERVER_VERSION } from './schema.js';
import { toState, type StateRow } from './state.js';
import { parseTableName } from './table-name.js';
import type { ClickHouseClientConnection, ClickHouseConnectionOptions, ClickHouseConversationStore, ClickHouseStoreOptions } from './types.js';
import { tombstoneAll } from './commit.js';
import { append, update, upsert } from './writes.js';

function passwordInUrl(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** Creates the ClickHouse store; validates the table name now, connects and checks the server lazily on first use. */
export function createClickHouseStore(connection: ClickHouseConnectionOptions | ClickHouseClientConnection, options: ClickHouseStoreOptions = {}): ClickHouseConversationStore {
  if (typeof connection !== 'object' || connection === null) {
    throw storeError('CONFIG', 'createClickHouseStore takes { url, username, password, database } or { client }', []);
  }
  const own = !('client' in connection);
  const secrets = own ? [connection.password, passwordInUrl(connection.url)] : [];
  const database = connection.database ?? 'default';
  const table = parseTableName(options.table, database);
  const migrations = parseTableName(options.table, database, '_migrations');
  if (own && (typeof connection.url !== 'string' || connection.url.length === 0)) {
    throw storeError('CONFIG', 'createClickHouseStore needs a url (CLICKHOUSE_HOST) or a client', secrets);
  }
  let client: ClickHouseClient | undefined = own ? undefined : connection.client;
  const getClient = (): ClickHouseClient =>
    (client ??= createClient({
      url: (connection as ClickHouseConnectionOptions).url,
      username: (connection as ClickHouseConnectionOptions).username,
      password: (connection as ClickHouseConnectionOptions).password,
      database,
      request_timeout: (connection as ClickHouseConnectionOptions).requestTimeoutMs ?? 30_000,
      application: 'agent-conversations',
      // Failures reach the caller as redacted ConversationStoreErrors; the driver's own console logging would duplicate them.
      log: { level: ClickHouseLogLevel.OFF },
    }));
  const minimum = options.minServerVersion ?? MIN_SERVER_VERSION;
  const insertSettings = {
    async_insert: options.asyncInsert === false ? 0 : 1,
    wait_for_async_insert: options.waitForAsyncInsert === false ? 0 : 1,
    ...options.insertSettings,
  } as const;
  let closed = false;
  let readiness: Promise<void> | undefined;
  let db: Db | undefined;
  const ctx: StoreInternals = {
    get db() {
      if (closed) throw storeError('STORAGE', 'this ClickHouse conversation store is closed; create a new one', secrets);
      return (db ??= createDb(getClient(), table, migrations, secrets));
    },
    now: options.now ?? Date.now,
    insertSettings,
    ready() {
      readiness ??= (async () => {
        await checkServerVersion(ctx.db, minimum);
        await ensureSchema(ctx.db, options.autoCreate ?? false);
      })().catch((error: unknown) => {
        readiness = undefined;
        throw error;
      });
      return readiness;
    },
  };

  return {
    kind: 'clickhouse',
    persistent: true,
    table: table.display,

    async migrate(opts?: { dryRun?: boolean }): Promise<MigrationReport> {
      await checkServerVersion(ctx.db, minimum);
      const report = await migrate(ctx.db, opts?.dryRun ?? false);
      if (!opts?.dryRun) readiness = Promise.resolve();
      return report;
    },

    async listUsers(opts?: { limit?: number; cursor?: string }): Promise<{ items: string[]; nextCursor: string | null }> {
      const limit = opts?.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ConversationStoreError('VALIDATION', 'limit must be an integer from 1 to 1000', { adapter: ADAPTER });
      if (opts?.cursor !== undefined && typeof opts.cursor !== 'string') throw new ConversationStoreError('VALIDATION', 'cursor must be the nextCursor of the previous page', { adapter: ADAPTER });
      await ctx.ready();
      const rows = await ctx.db.rows<{ user_id: string }>('listing users', usersQuery(ctx.db.table), { after: opts?.cursor ?? '', limit: limit + 1 });
      const items = rows.slice(0, limit).map((r) => r.user_id);
      return { items, nextCursor: rows.length > limit ? items[items.length - 1]! : null };
    },

    diagnose: () => diagnose(ctx.db, minimum, options.autoCreate ?? false),

    async list(userId, opts): Promise<ListPage> {
      assertUtf8UserId(userId, 'ClickHouse');
      const { limit, after, updatedAfter } = parseListOptions(opts);
      await ctx.ready();
      const params = { u: userId, limit: limit + 1, after: updatedAfter ?? 0, cu: after?.updatedAt ?? 0, cid: after?.id ?? '' };
      const rows = await ctx.db.rows<StateRow>('listing conversations', listQuery(ctx.db.table, updatedAfter !== null, after !== null), params);
      const items = rows.slice(0, limit).map((r) => toState(userId, r).meta);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    async get(userId, id): Promise<StoredConversation | null> {
      assertUtf8UserId(userId, 'ClickHouse');
      assertConversationId(id);
      await ctx.ready();
      const [state, rows] = await Promise.all([loadState(ctx, userId, id), loadMessageRows(ctx, userId, id, true)]);
      if (!state) return null;
      const messages = messagesOf(rows, state.generation);
      return { ...state.meta, messageCount: messages.length, messages };
    },

    upsert: (input, opts) => upsert(ctx, input, opts),
    append: (userId, id, messages, opts) => append(ctx, userId, id, messages, opts),
    update: (userId, id, patch, opts) => update(ctx, userId, id, patch, opts),

    async delete(userId, id): Promise<boolean> {
      assertUtf8UserId(userId, 'ClickHouse');
      assertConversationId(id);
      return (await tombstoneAll(ctx, userId, id)) > 0;
    },

    async deleteAll(userId): Promise<number> {
      assertUtf8UserId(userId, 'ClickHouse');
      return tombstoneAll(ctx, userId);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (own && client) await client.close();
    },
  };
}
