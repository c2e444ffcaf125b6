import {
  assertConversationId,
  assertUserId,
  checkVersion,
  DEFAULT_TITLE,
  encodeCursor,
  parseListOptions,
  prepareMessages,
  scanInput,
  preparePatch,
  validateExpectedVersion,
  validateUsage,
  type AppendOptions,
  type ConversationInput,
  type ConversationMeta,
  type ConversationPatch,
  type ConversationStore,
  type HealthCheck,
  type ListOptions,
  type ListPage,
  type Message,
  type MessageInput,
  type MessageWindow,
  type MigrationReport,
  type StoredConversation,
  type WindowOptions,
  type WriteOptions,
} from '@agent-conversations/core';
import type { Pool } from 'pg';
import { resolveConfig, type PostgresConnection, type PostgresStoreOptions, type TableNames } from './config.js';
import { createDb, type Db } from './db.js';
import { storeError, toStoreError } from './errors.js';
import { diagnose } from './diagnose.js';
import { messageIdConstraint, migrate, planMigrations } from './migrations.js';
import { buildQueries, type Queries } from './queries.js';
import { decodeText, encodeOptional, encodeText } from './text.js';
import { metaOf, toMeta, usageParams, type ConversationRow } from './rows.js';
import { autoTitle, columns, upsert, type MetaRow } from './upsert.js';
import { readWindow, windowParams, windowSql } from './window.js';

/** The Postgres conversation store: the common interface plus explicit migrations. */
export interface PostgresStore<M extends MessageInput = Message> extends ConversationStore<M> {
  readonly kind: 'postgres';
  /** The pool the store runs on: its own, or the one the app passed (as given, also when it is a pg fork's). */
  readonly pool: Pool;
  /** The quoted, schema-qualified table names in use. */
  readonly tables: TableNames;
  /** Applies pending schema migrations now (one transaction under an advisory lock); a no-op when current. With dryRun, only lists them. */
  migrate(options?: { dryRun?: boolean }): Promise<MigrationReport>;
  /** A page of the user ids that have conversations, ascending; `cursor` is the last id of the previous page. */
  listUsers(options?: { limit?: number; cursor?: string }): Promise<{ items: string[]; nextCursor: string | null }>;
  /** Live checks for `doctor`: reachable, credentials, server version, encoding, schema version, grants. */
  diagnose(): Promise<HealthCheck[]>;
  /** The newest `limit` messages (or those just older than `before`) in one statement that reads only them; null when missing. */
  window(userId: string, id: string, options?: WindowOptions): Promise<MessageWindow<M> | null>;
}

const bigintParam = (value: number): number =>
  Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.floor(value)));

function notFound(id: string): never {
  throw storeError('NOT_FOUND', `conversation "${id}" does not exist for this user`);
}

/** The meta of a version-checked write; when it matched no row, NOT_FOUND or CONFLICT (one more read, on the error path only). */
function writeResult(
  db: Db,
  q: Queries,
  row: MetaRow | undefined,
  key: [string, string],
  expected: number | undefined,
): ConversationMeta | Promise<never> {
  return metaOf(row) ?? noRowWritten(db, q, key, expected);
}

async function noRowWritten(db: Db, q: Queries, key: [string, string], expected: number | undefined): Promise<never> {
  const current = (await db.query<{ version: number }>(q.version, key)).rows[0]?.version;
  if (current === undefined || expected === undefined) return notFound(key[1]);
  checkVersion(expected, current, 'postgres');
  // The version matches now but did not when the write ran: another write moved it in between.
  throw storeError(
    'CONFLICT',
    `expected version ${expected} but the conversation changed while this write ran; reload it and retry`,
  );
}

/** Creates a Postgres-backed store; validates options but does no I/O until the first call. */
export function createPostgresStore<M extends MessageInput = Message>(
  connection: PostgresConnection,
  options?: PostgresStoreOptions,
): PostgresStore<M>;
export function createPostgresStore(connection: PostgresConnection, options?: PostgresStoreOptions): PostgresStore;
export function createPostgresStore(connection: PostgresConnection, options: PostgresStoreOptions = {}): PostgresStore {
  const config = resolveConfig(connection, options);
  const db = createDb({
    // A pg fork's pool behaves as pg's does in everything the store calls (PgCompatiblePool).
    pool: 'pool' in connection ? (connection.pool as Pool) : undefined,
    poolConfig: config.poolConfig,
    // The server-side statement_timeout fires first where it is set; this also covers pgbouncer mode, app pools and dead sockets.
    readTimeoutMs: config.statementTimeoutMs + 1_000,
    prepare: config.prepare,
    logger: config.logger,
    secrets: config.secrets,
  });
  const q = buildQueries(config.names);
  const windowQuery = windowSql(config.names);
  const errorContext = { target: config.target, secrets: config.secrets };
  let ready: Promise<unknown> | null = null;
  let closed = false;

  const ensureReady = (): Promise<unknown> => {
    if (closed) throw storeError('STORAGE', 'this postgres store was closed; create a new one');
    if (!config.autoMigrate) return Promise.resolve();
    ready ??= migrate(db, config.names).catch((error: unknown) => {
      ready = null; // the next call tries again (the server may be back)
      throw error;
    });
    return ready;
  };

  async function run<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      await ensureReady();
      return await fn();
    } catch (error) {
      throw toStoreError(error, errorContext, `postgres ${action}`);
    }
  }

  return {
    kind: 'postgres',
    persistent: true,
    pool: db.pool,
    tables: config.names,

    async migrate(opts?: { dryRun?: boolean }): Promise<MigrationReport> {
      if (closed) throw storeError('STORAGE', 'this postgres store was closed; create a new one');
      try {
        if (opts?.dryRun) return await planMigrations(db, config.names);
        const report = await migrate(db, config.names);
        ready = Promise.resolve();
        return report;
      } catch (error) {
        throw toStoreError(error, errorContext, 'postgres migrate');
      }
    },

    async listUsers(opts?: {
      limit?: number;
      cursor?: string;
    }): Promise<{ items: string[]; nextCursor: string | null }> {
      const limit = opts?.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw storeError('VALIDATION', 'limit must be an integer from 1 to 1000');
      if (opts?.cursor !== undefined) assertUserId(opts.cursor);
      const params = opts?.cursor === undefined ? [limit + 1] : [limit + 1, encodeText(opts.cursor)];
      const { rows } = await run('listUsers', () =>
        db.query<{ user_id: string }>(q.listUsers[params.length - 1]!, params),
      );
      const items = rows.slice(0, limit).map((r) => decodeText(r.user_id));
      return { items, nextCursor: rows.length > limit ? items[items.length - 1]! : null };
    },

    async diagnose(): Promise<HealthCheck[]> {
      if (closed) throw storeError('STORAGE', 'this postgres store was closed; create a new one');
      return diagnose(db, config.names, errorContext, config.autoMigrate);
    },

    async list(userId: string, opts?: ListOptions): Promise<ListPage> {
      assertUserId(userId);
      const { limit, after, updatedAfter } = parseListOptions(opts);
      const params: unknown[] = [encodeText(userId)];
      if (after) params.push(after.updatedAt, after.id);
      if (updatedAfter !== null) params.push(bigintParam(updatedAfter));
      params.push(limit + 1);
      const { rows } = await run('list', () =>
        db.query<ConversationRow>(q.list[(after ? 1 : 0) + (updatedAfter !== null ? 2 : 0)]!, params),
      );
      const items = rows.slice(0, limit).map(toMeta);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    async get(userId: string, id: string): Promise<StoredConversation | null> {
      assertUserId(userId);
      assertConversationId(id);
      let meta: ConversationMeta | undefined;
      const chunks: Message[][] = [];
      await run('get', () =>
        db.stream<{ k: number; part: string | null }>(q.get, [encodeText(userId), id], (row) => {
          if (row.k < 0) meta = metaOf({ meta: row.part! });
          else if (row.part !== null) chunks[row.k] = JSON.parse(row.part) as Message[];
        }),
      );
      return meta ? { ...meta, messages: chunks.flat() } : null;
    },

    async window(userId: string, id: string, opts?: WindowOptions): Promise<MessageWindow | null> {
      const request = windowParams(userId, id, opts);
      return run('window', () => readWindow(db, windowQuery, request));
    },

    async upsert(raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
      const input = scanInput(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      return run('upsert', () => upsert(db, q, input, expected, config.now));
    },

    async append(
      userId: string,
      id: string,
      raw: readonly MessageInput[],
      opts?: AppendOptions,
    ): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const prepared = prepareMessages(raw, { allowEmpty: false });
      const delta = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const [ids, jsons, hashes] = columns(prepared);
      const title = prepared.some((m) => m.message.role === 'user') ? autoTitle(prepared.map((m) => m.message)) : null;
      const single = prepared.length === 1;
      const withUsage = delta !== undefined && Object.keys(delta).length > 0;
      const params: unknown[] = [
        encodeText(userId),
        id,
        config.now(),
        expected ?? null,
        DEFAULT_TITLE,
        title,
        ...(single ? [ids[0], jsons[0], hashes[0]] : [ids, jsons, hashes]),
      ];
      if (withUsage) params.push(...usageParams(delta));
      return run('append', async () => {
        try {
          const { rows } = await db.query<MetaRow>(q.append[(single ? 1 : 0) + (withUsage ? 2 : 0)]!, params);
          return await writeResult(db, q, rows[0], [params[0] as string, id], expected);
        } catch (error) {
          if ((error as { constraint?: unknown }).constraint !== messageIdConstraint(config.names)) throw error;
          const found = (await db.query<{ message_id: string }>(q.duplicateIds, [params[0], id, ids])).rows[0];
          const dup = found && decodeText(found.message_id);
          throw storeError(
            'CONFLICT',
            dup === undefined
              ? `a message id is already in conversation "${id}"`
              : `message id "${dup}" is already in conversation "${id}"`,
          );
        }
      });
    },

    async update(userId: string, id: string, raw: ConversationPatch, opts?: WriteOptions): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const patch = preparePatch(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const metadata = patch.metadata === undefined ? null : JSON.stringify(patch.metadata);
      const params = [
        encodeText(userId),
        id,
        config.now(),
        expected ?? null,
        encodeOptional(patch.title),
        encodeOptional(patch.model),
        encodeOptional(patch.provider),
        metadata,
        patch.usage !== undefined,
        ...usageParams(patch.usage),
      ];
      return run('update', async () =>
        writeResult(db, q, (await db.query<MetaRow>(q.update, params)).rows[0], [params[0] as string, id], expected),
      );
    },

    async delete(userId: string, id: string): Promise<boolean> {
      assertUserId(userId);
      assertConversationId(id);
      const { rowCount } = await run('delete', () => db.query(q.delete, [encodeText(userId), id]));
      return (rowCount ?? 0) > 0;
    },

    async deleteAll(userId: string): Promise<number> {
      assertUserId(userId);
      const { rowCount } = await run('deleteAll', () => db.query(q.deleteAll, [encodeText(userId)]));
      return rowCount ?? 0;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
