import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import {
  assertConversationId,
  assertUtf8UserId,
  ConversationStoreError,
  encodeCursor,
  parseListOptions,
  parseWindowOptions,
  type ListPage,
  type Message,
  type MigrationReport,
  type StoredConversation,
} from '@agent-conversations/core';
import { noteCount, remember, type StoreInternals } from './context.js';
import { createDb, type Db } from './db.js';
import { diagnose } from './diagnose.js';
import { ADAPTER, storeError } from './errors.js';
import { getQuery, listQuery, liveIdsQuery, usersQuery } from './queries.js';
import {
  checkServerVersion,
  ensureSchema,
  isClusterName,
  migrate,
  MIN_SERVER_VERSION,
  type DdlTarget,
} from './schema.js';
import { metaOf, type Head } from './state.js';
import { parseTableName } from './table-name.js';
import type {
  ClickHouseClientConnection,
  ClickHouseConnectionOptions,
  ClickHouseConversationStore,
  ClickHouseStoreOptions,
} from './types.js';
import { readWindow } from './window.js';
import { append, remove, update, upsert } from './writes.js';
import type { MessageInput } from '@agent-conversations/core';

function passwordInUrl(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

function clusterTarget(cluster: ClickHouseStoreOptions['cluster']): DdlTarget {
  if (cluster === undefined || cluster === '') return {};
  const options = typeof cluster === 'string' ? { name: cluster } : cluster;
  if (typeof options?.name !== 'string' || !isClusterName(options.name)) {
    throw storeError(
      'CONFIG',
      `ClickHouse cluster name ${JSON.stringify(options?.name)} is not a plain identifier of letters, digits and _ (CLICKHOUSE_CLUSTER)`,
      [],
    );
  }
  for (const key of ['zooKeeperPath', 'replica'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0 || /[\\'\n]/.test(value))) {
      throw storeError(
        'CONFIG',
        `cluster.${key} must be a non-empty string without quotes, backslashes or newlines`,
        [],
      );
    }
  }
  return { cluster: options };
}

/** Splits `kind<TAB>body` lines into the head and the messages. */
function parseConversation(text: string): { head: Head | null; messages: Message[] } {
  const lines = text.split('\n');
  let head: Head | null = null;
  const messages: Message[] = [];
  for (const line of lines) {
    if (line.length === 0) continue;
    if (line.startsWith('0\t')) head = JSON.parse(line.slice(2)) as Head;
    else messages.push(JSON.parse(line.slice(2)) as Message);
  }
  return { head, messages };
}

/** Creates the ClickHouse store; validates the table name now, connects and checks the server lazily on first use. */
export function createClickHouseStore<M extends MessageInput = Message>(
  connection: ClickHouseConnectionOptions | ClickHouseClientConnection,
  options?: ClickHouseStoreOptions,
): ClickHouseConversationStore<M>;
export function createClickHouseStore(
  connection: ClickHouseConnectionOptions | ClickHouseClientConnection,
  options?: ClickHouseStoreOptions,
): ClickHouseConversationStore;
export function createClickHouseStore(
  connection: ClickHouseConnectionOptions | ClickHouseClientConnection,
  options: ClickHouseStoreOptions = {},
): ClickHouseConversationStore {
  if (typeof connection !== 'object' || connection === null) {
    throw storeError('CONFIG', 'createClickHouseStore takes { url, username, password, database } or { client }', []);
  }
  const own = !('client' in connection);
  const urls = own ? [connection.url].flat() : [];
  const secrets = own
    ? [connection.password, ...urls.map((u) => (typeof u === 'string' ? passwordInUrl(u) : undefined))]
    : [];
  if (own && (urls.length === 0 || urls.some((u) => typeof u !== 'string' || u.length === 0))) {
    throw storeError('CONFIG', 'createClickHouseStore needs a url (CLICKHOUSE_HOST) or a client', secrets);
  }
  const database = connection.database ?? 'default';
  const table = parseTableName(options.table, database);
  const migrations = parseTableName(options.table, database, '_migrations');
  const target = clusterTarget(options.cluster);
  const given = own ? [] : [(connection as ClickHouseClientConnection).client].flat();
  if (!own && given.length === 0) throw storeError('CONFIG', 'createClickHouseStore needs at least one client', []);
  const clients = own
    ? urls.map(
        (url) => () =>
          createClient({
            url,
            username: (connection as ClickHouseConnectionOptions).username,
            password: (connection as ClickHouseConnectionOptions).password,
            database,
            request_timeout: (connection as ClickHouseConnectionOptions).requestTimeoutMs ?? 30_000,
            application: 'agent-conversations',
            // Failures reach the caller as redacted ConversationStoreErrors; the driver's own console logging would duplicate them.
            log: { level: ClickHouseLogLevel.OFF },
          }),
      )
    : given.map((client: ClickHouseClient) => () => client);
  const cluster = target.cluster !== undefined;
  // Cluster mode: an insert is acknowledged once a majority of replicas has it, inserts are linearized, and a
  // read fails (and the store moves to the next host) on a replica that misses an acknowledged insert.
  const insertSettings: ClickHouseSettings = {
    ...(cluster ? { insert_quorum: 'auto', insert_quorum_parallel: 0 } : {}),
    ...options.insertSettings,
  };
  const readSettings: ClickHouseSettings = {
    ...(cluster ? { select_sequential_consistency: '1' } : {}),
    ...options.readSettings,
  };
  const minimum = options.minServerVersion ?? MIN_SERVER_VERSION;
  let closed = false;
  let readiness: Promise<void> | undefined;
  let db: Db | undefined;
  const ctx: StoreInternals = {
    get db() {
      if (closed)
        throw storeError('STORAGE', 'this ClickHouse conversation store is closed; create a new one', secrets);
      return (db ??= createDb({
        clients,
        table,
        migrations,
        secrets,
        target,
        readSettings,
        own,
        failover: { attempts: options.hostAttempts ?? 2 * clients.length, delayMs: options.hostRetryDelayMs ?? 50 },
      }));
    },
    now: options.now ?? Date.now,
    insertSettings,
    policy: { stateCacheMs: options.stateCacheMs ?? 2000, attempts: options.writeAttempts ?? 20 },
    cache: new Map(),
    queue: new Map(),
    counts: new Map(),
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

    async listUsers(opts?: {
      limit?: number;
      cursor?: string;
    }): Promise<{ items: string[]; nextCursor: string | null }> {
      const limit = opts?.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new ConversationStoreError('VALIDATION', 'limit must be an integer from 1 to 1000', { adapter: ADAPTER });
      if (opts?.cursor !== undefined && typeof opts.cursor !== 'string')
        throw new ConversationStoreError('VALIDATION', 'cursor must be the nextCursor of the previous page', {
          adapter: ADAPTER,
        });
      await ctx.ready();
      const rows = await ctx.db.rows<{ user_id: string }>('listing users', usersQuery(ctx.db.table), {
        after: opts?.cursor ?? '',
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map((r) => r.user_id);
      return { items, nextCursor: rows.length > limit ? items[items.length - 1]! : null };
    },

    diagnose: () => diagnose(ctx.db, minimum, options.autoCreate ?? false),

    async list(userId, opts): Promise<ListPage> {
      assertUtf8UserId(userId, 'ClickHouse');
      const { limit, after, updatedAfter } = parseListOptions(opts);
      await ctx.ready();
      const params = {
        u: userId,
        limit: limit + 1,
        after: updatedAfter ?? 0,
        cu: after?.updatedAt ?? 0,
        cid: after?.id ?? '',
      };
      const text = await ctx.db.text(
        'listing conversations',
        listQuery(ctx.db.table, updatedAfter !== null, after !== null),
        params,
        'TabSeparatedRaw',
      );
      const heads = text.split('\n').filter((line) => line.length > 0);
      const items = heads.slice(0, limit).map((line) => metaOf(userId, JSON.parse(line) as Head));
      for (const item of items) noteCount(ctx, userId, item.id, item.messageCount);
      const last = items[items.length - 1];
      return { items, nextCursor: heads.length > limit && last ? encodeCursor(last) : null };
    },

    async get(userId, id): Promise<StoredConversation | null> {
      assertUtf8UserId(userId, 'ClickHouse');
      assertConversationId(id);
      await ctx.ready();
      const { head, messages } = parseConversation(
        await ctx.db.text('reading a conversation', getQuery(ctx.db.table), { u: userId, c: id }, 'TabSeparatedRaw'),
      );
      if (!head) return null;
      remember(ctx, userId, id, { slot: head.slot, head, ids: new Set(messages.map((m) => m.id)), allIds: true });
      return { ...metaOf(userId, head), messages };
    },

    async window(userId, id, opts) {
      assertUtf8UserId(userId, 'ClickHouse');
      assertConversationId(id);
      const parsed = parseWindowOptions(opts);
      await ctx.ready();
      return readWindow(ctx, userId, id, parsed);
    },

    upsert: (input, opts) => upsert(ctx, input, opts),
    append: (userId, id, messages, opts) => append(ctx, userId, id, messages, opts),
    update: (userId, id, patch, opts) => update(ctx, userId, id, patch, opts),

    async delete(userId, id): Promise<boolean> {
      assertUtf8UserId(userId, 'ClickHouse');
      assertConversationId(id);
      return remove(ctx, userId, id);
    },

    async deleteAll(userId): Promise<number> {
      assertUtf8UserId(userId, 'ClickHouse');
      await ctx.ready();
      const live = await ctx.db.rows<{ conversation_id: string }>(
        'finding conversations to delete',
        liveIdsQuery(ctx.db.table),
        { u: userId },
      );
      let deleted = 0;
      for (const { conversation_id: id } of live) if (await remove(ctx, userId, id)) deleted += 1;
      return deleted;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await db?.close();
    },
  };
}
