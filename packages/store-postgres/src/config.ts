import { ConversationStoreError, redactUrl, type Logger } from '@agent-conversations/core';
import type { Pool, PoolConfig } from 'pg';

/** A Cloudflare Hyperdrive binding (`env.HYPERDRIVE`); the store reads its `connectionString`. */
export interface HyperdriveBinding {
  readonly connectionString: string;
}

/**
 * Where the store connects: a connection string or a Hyperdrive binding (it then owns a `pg` pool), or a pool the app already has
 * (`pg`'s Pool or a pg-compatible one such as `@neondatabase/serverless`'s Pool).
 */
export type PostgresConnection =
  | { connectionString: string; ssl?: PoolConfig['ssl'] }
  | { hyperdrive: HyperdriveBinding }
  | { pool: Pool | PgCompatiblePool };

/** What the store needs of a pool it is given: `pg`'s Pool has it, and so has the Pool of a `pg` fork such as `@neondatabase/serverless`. */
export interface PgCompatiblePool {
  /** Lends a connected client: a `pg` Client or one of a `pg` fork (its class has `Client.Query`). */
  connect(): Promise<{
    query: (...args: never[]) => unknown;
    on(event: 'error', listener: (error: Error) => void): unknown;
    off(event: 'error', listener: (error: Error) => void): unknown;
    /** Gives the client back; with an error, the pool destroys it. */
    release(error?: Error | boolean): void;
  }>;
}

/** Tuning of the Postgres store; every field is optional. */
export interface PostgresStoreOptions {
  /** Schema holding the tables; default `agent_conversations`, the store's own, so Prisma and drizzle-kit never see them (a URL's `schema=` is Prisma's and is not used). */
  schema?: string;
  /** Prefix of the table names; default `agent_` (tables `agent_conversations`, `agent_messages`, `agent_schema_migrations`). */
  tablePrefix?: string;
  /** Most connections of the pool the store creates; default the URL's `connection_limit`, else 10 (5 with `hyperdrive`). */
  poolSize?: number;
  /** Longest a statement may run, in ms; default 30000. */
  statementTimeoutMs?: number;
  /** Longest wait for a connection, in ms; default the URL's `connect_timeout`, else 10000. */
  connectionTimeoutMs?: number;
  /** Apply pending migrations on first use; default true. With false, call `migrate()` or apply the shipped SQL files. */
  autoMigrate?: boolean;
  /** Behind a transaction-mode pooler (PgBouncer, Supavisor, Hyperdrive): no startup parameters, no named prepared statements; default true when the URL has `pgbouncer=true` and with `hyperdrive`. */
  pgbouncer?: boolean;
  /** Clock for timestamps, Unix ms (tests); default Date.now. */
  now?: () => number;
  /** Receives warnings (idle connections lost); default console. */
  logger?: Logger;
}

/** Schema-qualified, quoted table names. */
export interface TableNames {
  schema: string;
  prefix: string;
  conversations: string;
  messages: string;
  versions: string;
}

/** Everything the store needs, resolved from the connection and options. */
export interface ResolvedConfig {
  names: TableNames;
  statementTimeoutMs: number;
  autoMigrate: boolean;
  /** False behind a transaction-mode pooler: no named prepared statements. */
  prepare: boolean;
  now: () => number;
  logger: Logger;
  /** Strings scrubbed from every error: password and connection string. */
  secrets: string[];
  /** `postgresql://host:port`, for messages. */
  target: string;
  /** The pool the store creates; absent when the app passed its own. */
  poolConfig?: PoolConfig;
}

/** The schema the tables live in unless `schema` says otherwise: their own, beside whatever an ORM manages. */
export const DEFAULT_SCHEMA = 'agent_conversations';
const SCHEMA = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const PREFIX = /^([A-Za-z_][A-Za-z0-9_]{0,39})?$/;
/** Prisma-only URL parameters that `pg` does not know; removed before connecting. */
const PRISMA_PARAMS = [
  'schema',
  'pgbouncer',
  'connection_limit',
  'pool_timeout',
  'connect_timeout',
  'socket_timeout',
  'statement_cache_size',
  'sslaccept',
  'sslidentity',
  'sslpassword',
];

function configError(message: string, secrets: string[] = []): never {
  throw new ConversationStoreError('CONFIG', message, { adapter: 'postgres', secrets });
}

const quote = (name: string): string => `"${name}"`;

/** Table names for a schema and prefix, validated and quoted. */
export function tableNames(schema = DEFAULT_SCHEMA, prefix = 'agent_'): TableNames {
  if (!SCHEMA.test(schema))
    configError(`schema must be 1-63 letters, digits or _ starting with a letter or _ (got "${schema}")`);
  if (!PREFIX.test(prefix))
    configError(`tablePrefix must be up to 40 letters, digits or _ starting with a letter or _ (got "${prefix}")`);
  const table = (name: string): string => `${quote(schema)}.${quote(prefix + name)}`;
  return {
    schema,
    prefix,
    conversations: table('conversations'),
    messages: table('messages'),
    versions: table('schema_migrations'),
  };
}

function positiveInt(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    configError(`${name} must be a positive integer`);
  return value;
}

/** What a connection string says beyond what `pg` reads. */
export interface ConnectionSettings {
  /** The URL without the Prisma-only parameters: what `pg` gets. */
  connectionString: string;
  password: string | undefined;
  /** `schema=`: Prisma's schema, reported but not used for the store's tables (they stay out of Prisma's way). */
  schema?: string;
  /** `pgbouncer=true` */
  pgbouncer: boolean;
  /** `connection_limit=` */
  poolSize?: number;
  /** `connect_timeout=` (seconds), in ms. */
  connectionTimeoutMs?: number;
}

/** Reads the Prisma parameters off a connection string and returns the string `pg` should get. */
export function parseConnectionString(connectionString: string): ConnectionSettings {
  if (typeof connectionString !== 'string' || !/^postgres(ql)?:\/\//i.test(connectionString.trim())) {
    configError(
      'connectionString must be a postgres:// or postgresql:// URL such as postgresql://user:password@host:5432/db',
      [String(connectionString)],
    );
  }
  let url: URL;
  try {
    url = new URL(connectionString.trim());
  } catch {
    return configError('connectionString is not a valid URL (expected postgresql://user:password@host:5432/db)', [
      connectionString,
    ]);
  }
  const secrets = [connectionString, url.password, safeDecode(url.password)];
  const params = url.searchParams;
  const number = (name: string): number | undefined => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0)
      configError(`the connection string's ${name} parameter must be a number (got "${raw}")`, secrets);
    return value;
  };
  const limit = number('connection_limit');
  const connectTimeout = number('connect_timeout');
  const settings: ConnectionSettings = {
    connectionString: '',
    password: safeDecode(url.password) || undefined,
    schema: params.get('schema') ?? undefined,
    pgbouncer: params.get('pgbouncer') === 'true',
    poolSize: limit ? Math.floor(limit) : undefined,
    connectionTimeoutMs: connectTimeout ? connectTimeout * 1000 : undefined,
  };
  for (const name of PRISMA_PARAMS) params.delete(name);
  settings.connectionString = url.toString();
  return settings;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function poolSecrets(pool: Pool): { secrets: string[]; target: string } {
  const options =
    (pool as { options?: { password?: unknown; connectionString?: unknown; host?: unknown; port?: unknown } })
      .options ?? {};
  const secrets = [options.password, options.connectionString].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  if (typeof options.connectionString === 'string') return { secrets, target: redactUrl(options.connectionString) };
  const host = typeof options.host === 'string' ? options.host : 'localhost';
  return { secrets, target: `postgresql://${host}:${typeof options.port === 'number' ? options.port : 5432}` };
}

/** Validates the connection and options (no I/O) and resolves what the store needs. */
export function resolveConfig(connection: PostgresConnection, options: PostgresStoreOptions = {}): ResolvedConfig {
  if (!connection || typeof connection !== 'object')
    configError('createPostgresStore takes { connectionString }, { hyperdrive } or { pool } as its first argument');
  const statementTimeoutMs = positiveInt(options.statementTimeoutMs, 'statementTimeoutMs') ?? 30_000;
  const base = {
    statementTimeoutMs,
    autoMigrate: options.autoMigrate ?? true,
    now: options.now ?? Date.now,
    logger: options.logger ?? console,
  };
  if ('pool' in connection && connection.pool) {
    if (typeof connection.pool.connect !== 'function')
      configError("pool must be a pg Pool or a pg-compatible one such as @neondatabase/serverless's Pool");
    return {
      ...base,
      prepare: !options.pgbouncer,
      ...poolSecrets(connection.pool as Pool),
      names: tableNames(options.schema, options.tablePrefix),
    };
  }
  const hyperdrive = 'hyperdrive' in connection;
  if (hyperdrive && typeof connection.hyperdrive?.connectionString !== 'string')
    configError(
      'hyperdrive must be a Hyperdrive binding (env.HYPERDRIVE, declared under "hyperdrive" in wrangler.jsonc)',
    );
  const connectionString = hyperdrive
    ? connection.hyperdrive.connectionString
    : 'connectionString' in connection
      ? connection.connectionString
      : undefined;
  if (connectionString === undefined)
    return configError('createPostgresStore needs { connectionString }, { hyperdrive } or { pool }');
  const url = parseConnectionString(connectionString);
  const secrets = [connectionString, url.password].filter((s): s is string => !!s);
  // Hyperdrive pools in transaction mode, and a Worker request may hold 6 connections at once.
  const pgbouncer = options.pgbouncer ?? (url.pgbouncer || hyperdrive);
  const poolConfig: PoolConfig = {
    connectionString: url.connectionString,
    max: positiveInt(options.poolSize, 'poolSize') ?? url.poolSize ?? (hyperdrive ? 5 : 10),
    connectionTimeoutMillis:
      positiveInt(options.connectionTimeoutMs, 'connectionTimeoutMs') ?? url.connectionTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'agent-conversations',
    // A transaction-mode pooler rejects startup parameters; the client-side read timeout still applies there.
    ...(pgbouncer ? {} : { statement_timeout: statementTimeoutMs }),
    ...('ssl' in connection && connection.ssl !== undefined ? { ssl: connection.ssl } : {}),
  };
  return {
    ...base,
    prepare: !pgbouncer,
    secrets,
    target: redactUrl(connectionString),
    names: tableNames(options.schema, options.tablePrefix),
    poolConfig,
  };
}
