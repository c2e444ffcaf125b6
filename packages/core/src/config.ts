import { ConversationStoreError } from './errors.js';
import { redactUrl } from './redact.js';
import { getRegisteredAdapters, STORE_PACKAGES } from './registry.js';
import type { BuiltInStoreKind, Logger, StoreKind } from './types.js';

/** A value of `AGENT_CONVERSATION_STORE`. */
export type StoreChoice = 'auto' | StoreKind;
/** The environment as `process.env` or a Worker `env` gives it (any object, so a generated `interface Env` fits). */
export type EnvRecord = object;

/** The values every install accepts; a registered third-party kind is accepted too. */
export const STORE_CHOICES: readonly StoreChoice[] = [
  'auto',
  'agentstate',
  'd1',
  'durable-object',
  'postgres',
  'clickhouse',
  'memory',
  'local',
];
export const DEFAULT_AGENTSTATE_BASE = 'https://agentstate.app/api';
export const D1_BINDING = 'CONVERSATIONS_D1';
export const DEFAULT_DO_BINDING = 'AGENT_CONVERSATIONS_DO';
const POSTGRES_VARS = ['DATABASE_URL', 'POSTGRES_URL', 'POSTGRES_PRISMA_URL'] as const;

/** Everything the env says about conversation storage, parsed and checked once. */
export interface ConversationConfig {
  /** Server persistence on (`AGENT_CONVERSATION_PERSISTENCE`, or the deprecated alias). */
  persistence: boolean;
  /** `AGENT_CONVERSATION_STORE`; `auto` when persistence is on and it is unset, `local` when off. */
  store: StoreChoice;
  /** True when `AGENT_CONVERSATION_STORE` was set explicitly. */
  storeExplicit: boolean;
  /** The explicit option, else `NODE_ENV=production`, else a deployment signal (Workers runtime, `VERCEL_ENV=production`, Kubernetes) unless NODE_ENV is development or test. */
  production: boolean;
  /** Why `production` is what it is, for explanations (e.g. "VERCEL_ENV=production (a deployment)"). */
  productionSource: string;
  agentstate: { apiKey?: string; baseUrl: string };
  d1: { bindingName: string; databaseId?: string; databaseIdSource?: string };
  durableObject: { bindingName: string };
  /** `url` is the first postgres URL among DATABASE_URL, POSTGRES_URL, POSTGRES_PRISMA_URL. */
  postgres: { url?: string; urlSource?: (typeof POSTGRES_VARS)[number]; ignored: string[] };
  clickhouse: {
    hosts: string[];
    url?: string;
    username?: string;
    password?: string;
    database: string;
    table: string;
    tableExplicit: boolean;
    autoCreate: boolean;
    /** CLICKHOUSE_CLUSTER: cluster mode (ON CLUSTER DDL, Replicated engines) when set. */
    cluster?: string;
  };
  /** Non-fatal notes (deprecations, ignored variables), also sent to the logger. */
  warnings: string[];
}

export interface ParseConfigOptions {
  /** Overrides NODE_ENV and deployment-signal detection (`false` runs a deployment such as `wrangler dev` as development). */
  production?: boolean;
  /** Receives deprecation warnings; defaults to console. */
  logger?: Logger;
  /** Kinds registered besides the built-in ones, accepted in AGENT_CONVERSATION_STORE; defaults to the global registry's. */
  kinds?: readonly StoreKind[];
}

/** Why an AGENT_CONVERSATION_STORE value is unknown: the registered kinds, and which package provides each built-in one. */
function unknownStore(value: string, kinds: readonly StoreKind[]): string {
  const registered = [...new Set(['memory', ...kinds])].sort();
  const packages = new Map<string, string[]>();
  // The spec's seven kinds, read here rather than in a module-level constant, which would keep STORE_PACKAGES in browser bundles.
  for (const kind of Object.keys(STORE_PACKAGES) as BuiltInStoreKind[])
    packages.set(STORE_PACKAGES[kind], [...(packages.get(STORE_PACKAGES[kind]) ?? []), kind]);
  const provided = [...packages].map(([name, k]) => `${k.join(', ')} from ${name}`).join('; ');
  return `AGENT_CONVERSATION_STORE must be auto, a built-in kind or a registered one (got "${value}"). Registered here: ${registered.join(', ')}. The built-in kinds come from: ${provided}. A third-party kind works once its adapter is registered (registerStoreAdapter)`;
}

const warnedLoggers = new WeakSet<object>();
const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TABLE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

function read(env: EnvRecord, name: string): string | undefined {
  const value = (env as Record<string, unknown>)[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A sign that the code runs in a deployment: the Workers runtime, a Vercel production deployment, a Kubernetes pod. */
export function deploymentSignal(env: EnvRecord): string | undefined {
  const agent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent;
  if (agent === 'Cloudflare-Workers') return 'the Cloudflare Workers runtime (navigator.userAgent)';
  if (read(env, 'VERCEL_ENV') === 'production') return 'VERCEL_ENV=production';
  if (read(env, 'KUBERNETES_SERVICE_HOST') !== undefined) return 'KUBERNETES_SERVICE_HOST is set (a Kubernetes pod)';
  return undefined;
}

/** Production and why: the app's option first, then NODE_ENV, then deployment signals (which NODE_ENV=development/test overrides). */
function detectProduction(env: EnvRecord, option: boolean | undefined): { production: boolean; source: string } {
  if (option !== undefined) return { production: option, source: `the app passes production: ${option}` };
  const nodeEnv = read(env, 'NODE_ENV');
  if (nodeEnv === 'production') return { production: true, source: 'NODE_ENV=production' };
  const signal = deploymentSignal(env);
  if (nodeEnv === 'development' || nodeEnv === 'test')
    return { production: false, source: `NODE_ENV=${nodeEnv}${signal ? ` (overrides ${signal})` : ''}` };
  if (signal)
    return {
      production: true,
      source: `${signal}: a deployment counts as production unless the app passes production: false or sets NODE_ENV=development`,
    };
  return {
    production: false,
    source: nodeEnv ? `NODE_ENV=${nodeEnv} and no deployment signal` : 'no NODE_ENV and no deployment signal',
  };
}

/** Parses and checks every conversation-store variable; throws one CONFIG error listing all problems. */
export function parseConversationConfig(env: EnvRecord, options: ParseConfigOptions = {}): ConversationConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const bool = (name: string): boolean | undefined => {
    const value = read(env, name);
    if (value === undefined) return undefined;
    if (TRUE.includes(value.toLowerCase())) return true;
    if (FALSE.includes(value.toLowerCase())) return false;
    problems.push(`${name} must be one of ${[...TRUE, ...FALSE].join('/')} (got "${value}")`);
    return undefined;
  };

  const persistenceNew = bool('AGENT_CONVERSATION_PERSISTENCE');
  const persistenceOld = bool('NEXT_PUBLIC_FEATURE_CONVERSATION_DB');
  if (persistenceOld !== undefined) {
    warnings.push(
      persistenceNew === undefined
        ? 'NEXT_PUBLIC_FEATURE_CONVERSATION_DB is deprecated; set AGENT_CONVERSATION_PERSISTENCE instead'
        : 'NEXT_PUBLIC_FEATURE_CONVERSATION_DB is deprecated and ignored because AGENT_CONVERSATION_PERSISTENCE is set; remove it',
    );
  }
  const persistence = persistenceNew ?? persistenceOld ?? false;
  const { production, source: productionSource } = detectProduction(env, options.production);

  const storeRaw = read(env, 'AGENT_CONVERSATION_STORE')?.toLowerCase();
  let store: StoreChoice = persistence ? 'auto' : 'local';
  if (storeRaw !== undefined) {
    const kinds = options.kinds ?? getRegisteredAdapters().map((a) => a.kind);
    if ((STORE_CHOICES as readonly string[]).includes(storeRaw) || kinds.includes(storeRaw)) store = storeRaw;
    else problems.push(unknownStore(storeRaw, kinds));
  }
  if (!persistence && storeRaw !== undefined && store !== 'local' && store !== 'auto') {
    problems.push(
      `AGENT_CONVERSATION_STORE=${store} requires AGENT_CONVERSATION_PERSISTENCE=true (all server stores do)`,
    );
  }
  if (!persistence && store === 'auto') store = 'local';
  if (store === 'memory' && production) {
    problems.push(
      'AGENT_CONVERSATION_STORE=memory is not persistent storage and is refused in production; configure postgres, d1, durable-object, clickhouse or agentstate',
    );
  }

  // AgentState
  const apiKey = read(env, 'AGENTSTATE_API_KEY');
  if (apiKey !== undefined && !/^as_live_[A-Za-z0-9]+$/.test(apiKey)) {
    problems.push(
      apiKey.startsWith('as_live_')
        ? 'AGENTSTATE_API_KEY must be "as_live_" followed by letters and digits only'
        : 'AGENTSTATE_API_KEY must start with "as_live_"',
    );
  }
  let baseUrl = read(env, 'AGENTSTATE_API_BASE') ?? DEFAULT_AGENTSTATE_BASE;
  try {
    const parsed = new URL(baseUrl);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname))) {
      problems.push(
        `AGENTSTATE_API_BASE must be an https:// URL (http:// only for localhost), got ${redactUrl(baseUrl)}`,
      );
    }
    baseUrl = baseUrl.replace(/\/+$/, '');
  } catch {
    problems.push('AGENTSTATE_API_BASE must be a URL such as https://agentstate.app/api');
  }
  if (store === 'agentstate' && apiKey === undefined)
    problems.push('AGENT_CONVERSATION_STORE=agentstate needs AGENTSTATE_API_KEY (an as_live_ key)');

  // D1
  const d1Id = read(env, 'CONVERSATIONS_D1_DATABASE_ID');
  const d1Alias = read(env, 'AGENT_CONVERSATIONS_D1_DATABASE_ID');
  for (const [name, value] of [
    ['CONVERSATIONS_D1_DATABASE_ID', d1Id],
    ['AGENT_CONVERSATIONS_D1_DATABASE_ID', d1Alias],
  ] as const) {
    if (value !== undefined && !UUID.test(value))
      problems.push(`${name} must be a UUID such as 01234567-89ab-cdef-0123-456789abcdef`);
  }
  if (d1Id && d1Alias && d1Id.toLowerCase() !== d1Alias.toLowerCase()) {
    problems.push(
      'CONVERSATIONS_D1_DATABASE_ID and its alias AGENT_CONVERSATIONS_D1_DATABASE_ID are both set to different ids; keep one',
    );
  }

  // Durable Object
  const doBinding = read(env, 'AGENT_CONVERSATIONS_DO_BINDING') ?? DEFAULT_DO_BINDING;
  if (!IDENT.test(doBinding))
    problems.push('AGENT_CONVERSATIONS_DO_BINDING must be a binding name (letters, digits, _)');

  // Postgres
  const postgres: ConversationConfig['postgres'] = { ignored: [] };
  for (const name of POSTGRES_VARS) {
    const value = read(env, name);
    if (value === undefined) continue;
    if (!/^postgres(ql)?:\/\//i.test(value)) {
      postgres.ignored.push(name);
      warnings.push(`${name} is set but is not a postgres:// or postgresql:// URL; it is not used for conversations`);
      continue;
    }
    try {
      new URL(value);
    } catch {
      problems.push(`${name} is not a valid URL (expected postgresql://user:password@host:5432/db)`);
      continue;
    }
    if (postgres.url === undefined) Object.assign(postgres, { url: value, urlSource: name });
  }
  if (store === 'postgres' && postgres.url === undefined) {
    problems.push(
      'AGENT_CONVERSATION_STORE=postgres needs DATABASE_URL, POSTGRES_URL or POSTGRES_PRISMA_URL (postgresql://user:password@host:5432/db)',
    );
  }

  // ClickHouse
  const hosts = (read(env, 'CLICKHOUSE_HOST') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const urls = hosts.map((host) =>
    /^https?:\/\//i.test(host) ? host : `http://${host.includes(':') ? host : `${host}:8123`}`,
  );
  for (const url of urls) {
    try {
      new URL(url);
    } catch {
      problems.push(`CLICKHOUSE_HOST has an invalid host: ${redactUrl(url)}`);
    }
  }
  const database = read(env, 'CLICKHOUSE_DATABASE') ?? 'default';
  const tableRaw = read(env, 'CLICKHOUSE_AGENT_CONVERSATIONS_TABLE');
  const table = tableRaw ?? `${database}.agent_conversations`;
  if (!TABLE.test(table))
    problems.push(
      `CLICKHOUSE_AGENT_CONVERSATIONS_TABLE must be a plain db.table name of letters, digits and _ (got "${table}")`,
    );
  if (!IDENT.test(database)) problems.push('CLICKHOUSE_DATABASE must be a plain identifier (letters, digits, _)');
  const autoCreate = bool('CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE') ?? false;
  if (store === 'clickhouse' && urls.length === 0)
    problems.push('AGENT_CONVERSATION_STORE=clickhouse needs CLICKHOUSE_HOST (e.g. http://clickhouse:8123)');
  const cluster = read(env, 'CLICKHOUSE_CLUSTER');
  if (cluster !== undefined && !IDENT.test(cluster))
    problems.push('CLICKHOUSE_CLUSTER must be a plain cluster name (letters, digits, _)');

  if (problems.length > 0) {
    throw new ConversationStoreError(
      'CONFIG',
      `Invalid conversation store configuration:\n- ${problems.join('\n- ')}`,
      {
        secrets: [apiKey, read(env, 'CLICKHOUSE_PASSWORD')],
      },
    );
  }

  const logger = options.logger ?? console;
  if (warnings.length > 0 && !warnedLoggers.has(logger)) {
    warnedLoggers.add(logger);
    for (const warning of warnings) logger.warn(`[agent-conversations] ${warning}`);
  }

  return {
    persistence,
    store,
    storeExplicit: storeRaw !== undefined,
    production,
    productionSource,
    agentstate: { apiKey, baseUrl },
    d1: {
      bindingName: D1_BINDING,
      databaseId: d1Id ?? d1Alias,
      databaseIdSource: d1Id
        ? 'CONVERSATIONS_D1_DATABASE_ID'
        : d1Alias
          ? 'AGENT_CONVERSATIONS_D1_DATABASE_ID'
          : undefined,
    },
    durableObject: { bindingName: doBinding },
    postgres,
    clickhouse: {
      hosts: urls,
      url: urls[0],
      username: read(env, 'CLICKHOUSE_USER'),
      password: read(env, 'CLICKHOUSE_PASSWORD'),
      database,
      table,
      tableExplicit: tableRaw !== undefined,
      autoCreate,
      cluster,
    },
    warnings,
  };
}
