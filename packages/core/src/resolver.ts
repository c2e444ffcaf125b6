import { parseConversationConfig, type ConversationConfig, type EnvRecord, type StoreChoice } from './config.js';
import { ConversationStoreError, isConversationStoreError, type ErrorCode } from './errors.js';
import { redactUrl } from './redact.js';
import { getRegisteredAdapters, memoryAdapter, STORE_PACKAGES } from './registry.js';
import type { ConversationStore, Logger, StoreAdapter, StoreContext, StoreKind } from './types.js';

/** What the resolver looks at. */
export interface ResolveOptions {
  /** Environment variables; defaults to `process.env` where it exists. */
  env?: EnvRecord;
  /** Worker bindings by name; defaults to `env` (a Worker's env holds both). */
  bindings?: object;
  /** False for a signed-out session, which always resolves to `local`. Default true. */
  authenticated?: boolean;
  /** Overrides NODE_ENV detection (Workers have no NODE_ENV). */
  production?: boolean;
  logger?: Logger;
  /** Adapters to consider instead of the global registry (tests, Workers). */
  adapters?: readonly StoreAdapter[];
}

/** One backend the resolver considered. */
export interface CandidateExplanation {
  kind: StoreKind;
  status: 'chosen' | 'available' | 'skipped' | 'refused' | 'not-registered';
  reason: string;
  packageName: string;
}

/** The decision and the reason for every candidate, secrets redacted. */
export interface StoreExplanation {
  /** The chosen backend, or null when resolution fails. */
  decision: StoreKind | null;
  reason: string;
  store: StoreChoice | null;
  persistence: boolean;
  production: boolean;
  authenticated: boolean;
  candidates: CandidateExplanation[];
  warnings: string[];
  error?: { code: ErrorCode; message: string };
}

const AUTO_ORDER = ['agentstate', 'd1', 'durable-object', 'postgres', 'clickhouse'] as const;

function processEnv(): EnvRecord {
  const proc = (globalThis as { process?: { env?: EnvRecord } }).process;
  return proc?.env ?? {};
}

function present(bindings: Readonly<Record<string, unknown>>, name: string): boolean {
  const value = bindings[name];
  return typeof value === 'object' && value !== null;
}

/** Whether the env/bindings configure a backend, and why (no secrets). */
function detect(kind: StoreKind, config: ConversationConfig, bindings: Readonly<Record<string, unknown>>): { ok: boolean; reason: string } {
  switch (kind) {
    case 'agentstate':
      return config.agentstate.apiKey ? { ok: true, reason: `AGENTSTATE_API_KEY is set (base ${redactUrl(config.agentstate.baseUrl)})` } : { ok: false, reason: 'AGENTSTATE_API_KEY is not set' };
    case 'd1':
      if (present(bindings, config.d1.bindingName)) return { ok: true, reason: `the ${config.d1.bindingName} binding is present` };
      return { ok: false, reason: config.d1.databaseId ? `${config.d1.databaseIdSource} is set but the Worker has no ${config.d1.bindingName} binding (deploy with the binding)` : `no ${config.d1.bindingName} binding` };
    case 'durable-object':
      return present(bindings, config.durableObject.bindingName) ? { ok: true, reason: `the ${config.durableObject.bindingName} binding is present` } : { ok: false, reason: `no ${config.durableObject.bindingName} binding` };
    case 'postgres': {
      const ignored = config.postgres.ignored.length ? ` (${config.postgres.ignored.join(', ')} ignored: not a postgres URL)` : '';
      return config.postgres.url ? { ok: true, reason: `${config.postgres.urlSource} is set (${redactUrl(config.postgres.url)})${ignored}` } : { ok: false, reason: `none of DATABASE_URL, POSTGRES_URL, POSTGRES_PRISMA_URL is set${ignored}` };
    }
    case 'clickhouse': {
      const { tableExplicit, table, url, hosts, cluster } = config.clickhouse;
      if (!tableExplicit && config.store === 'auto') return { ok: false, reason: 'CLICKHOUSE_AGENT_CONVERSATIONS_TABLE is not set explicitly (auto only picks ClickHouse when it is)' };
      if (!url) return { ok: true, reason: `table ${table} is configured but CLICKHOUSE_HOST is not set` };
      const many = hosts.length > 1 ? ` and ${hosts.length - 1} more host${hosts.length > 2 ? 's' : ''} of CLICKHOUSE_HOST (failover)` : '';
      return { ok: true, reason: `table ${table} on ${redactUrl(url)}${many}${cluster ? `, cluster ${cluster}` : ''}` };
    }
    case 'memory':
      return config.production ? { ok: false, reason: 'refused in production: memory is lost on restart' } : { ok: true, reason: 'development/test: no persistent backend needed' };
    case 'local':
      return { ok: true, reason: 'history stays in the browser (localStorage)' };
  }
}

function find(adapters: readonly StoreAdapter[], kind: StoreKind): StoreAdapter | undefined {
  if (kind === 'memory') return adapters.find((a) => a.kind === 'memory') ?? memoryAdapter;
  return adapters.find((a) => a.kind === kind);
}

function configError(message: string): ConversationStoreError {
  return new ConversationStoreError('CONFIG', message);
}

interface Decision {
  explanation: StoreExplanation;
  /** Why a `local` decision has no store to create here (e.g. on a server). */
  localProblem?: string;
  config?: ConversationConfig;
  context?: StoreContext;
  adapter?: StoreAdapter;
}

function decide(options: ResolveOptions): Decision {
  const env = options.env ?? processEnv();
  const bindings = (options.bindings ?? env) as Readonly<Record<string, unknown>>;
  const adapters = options.adapters ?? getRegisteredAdapters();
  const authenticated = options.authenticated ?? true;
  const base: StoreExplanation = { decision: null, reason: '', store: null, persistence: false, production: options.production ?? false, authenticated, candidates: [], warnings: [] };
  let config: ConversationConfig;
  try {
    config = parseConversationConfig(env, { production: options.production, logger: options.logger });
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    return { explanation: { ...base, reason: 'the configuration is invalid', error: { code: error.code, message: error.message } } };
  }
  const explanation: StoreExplanation = { ...base, store: config.store, persistence: config.persistence, production: config.production, warnings: config.warnings };
  const context: StoreContext = { env: env as StoreContext['env'], bindings, production: config.production, logger: options.logger ?? console };
  const candidate = (kind: StoreKind, status: CandidateExplanation['status'], reason: string): void => {
    explanation.candidates.push({ kind, status, reason, packageName: STORE_PACKAGES[kind] });
  };
  const fail = (reason: string, message: string): Decision => ({ explanation: { ...explanation, reason, error: { code: 'CONFIG', message } }, config, context });
  const choose = (kind: StoreKind, reason: string): Decision => {
    const adapter = find(adapters, kind);
    const detected = detect(kind, config, bindings);
    if (kind === 'local') {
      // The decision stands even where no browser store can be created: the browser keeps this history.
      const problem = !adapter ? `no ${STORE_PACKAGES.local} adapter is registered` : adapter.isConfigured?.(config, context);
      candidate(kind, 'chosen', detected.reason);
      const decided: Decision = { explanation: { ...explanation, decision: kind, reason }, config, context, adapter };
      if (problem === undefined || problem === true) return decided;
      return { ...decided, adapter: undefined, localProblem: `${reason}: nothing is stored on the server for this session (${problem}). Create the browser store in browser code; on the server, check explainStoreResolution().decision before resolving` };
    }
    if (!adapter) {
      candidate(kind, 'not-registered', `${detected.reason}, but ${STORE_PACKAGES[kind]} is not registered`);
      return fail(`${kind} is configured but its adapter is not registered`, `${kind} is configured (${detected.reason}) but no ${kind} adapter is registered: npm install ${STORE_PACKAGES[kind]} and import "${STORE_PACKAGES[kind]}/register" (or pass its adapter to the resolver)`);
    }
    const extra = adapter.isConfigured?.(config, context) ?? true;
    if (extra !== true) {
      candidate(kind, 'refused', extra);
      return fail(`${kind} is configured but not usable`, `${kind} is configured but not usable: ${extra}`);
    }
    candidate(kind, 'chosen', detected.reason);
    return { explanation: { ...explanation, decision: kind, reason }, config, context, adapter };
  };

  if (!authenticated) return choose('local', 'unauthenticated sessions always keep history in the browser');
  if (!config.persistence) return choose('local', 'AGENT_CONVERSATION_PERSISTENCE is not true, so history stays in the browser');
  if (config.store !== 'auto') {
    const detected = detect(config.store, config, bindings);
    if (!detected.ok) {
      candidate(config.store, 'refused', detected.reason);
      return fail(`AGENT_CONVERSATION_STORE=${config.store} is not available`, `AGENT_CONVERSATION_STORE=${config.store} but ${detected.reason}`);
    }
    return choose(config.store, `AGENT_CONVERSATION_STORE=${config.store}`);
  }
  let chosen: Decision | undefined;
  for (const kind of AUTO_ORDER) {
    const detected = detect(kind, config, bindings);
    if (!detected.ok) candidate(kind, 'skipped', detected.reason);
    else if (chosen) candidate(kind, 'available', `${detected.reason}; not used because ${chosen.explanation.decision ?? 'an earlier backend'} comes first`);
    else chosen = choose(kind, `auto: ${kind} is the first configured backend`);
  }
  if (chosen) return chosen;
  const checked = explanation.candidates.map((c) => `${c.kind}: ${c.reason}`).join('; ');
  if (config.production) {
    candidate('memory', 'refused', 'refused in production: memory is lost on restart');
    return fail('production with no persistent backend: auto fails closed', `No persistent conversation store is configured and this is production, so auto refuses to fall back to memory. Checked: ${checked}. Configure one of them (see the AGENT_CONVERSATION_STORE docs).`);
  }
  return choose('memory', 'auto: no persistent backend is configured; memory is used in development/test only');
}

/** Explains which backend the options resolve to and why each candidate was taken or skipped; never throws, never shows secrets. */
export function explainStoreResolution(options: ResolveOptions = {}): StoreExplanation {
  return decide(options).explanation;
}

/** Resolves and creates the store (no I/O yet: stores connect lazily); throws CONFIG with the explanation's reason when it cannot. */
export async function resolveConversationStore(options: ResolveOptions = {}): Promise<ConversationStore> {
  const { explanation, config, context, adapter, localProblem } = decide(options);
  if (explanation.error || !adapter || !config || !context) {
    throw configError(explanation.error?.message ?? localProblem ?? explanation.reason);
  }
  return adapter.create(config, context);
}

/** A resolver bound to a fixed adapter list, with no global state (tests, Workers). */
export function createStoreResolver(adapters: readonly StoreAdapter[]): {
  explain(options?: Omit<ResolveOptions, 'adapters'>): StoreExplanation;
  resolve(options?: Omit<ResolveOptions, 'adapters'>): Promise<ConversationStore>;
} {
  return {
    explain: (options = {}) => explainStoreResolution({ ...options, adapters }),
    resolve: (options = {}) => resolveConversationStore({ ...options, adapters }),
  };
}

/** The explanation as readable lines, for logs and `doctor`. */
export function formatExplanation(explanation: StoreExplanation): string {
  const lines = [
    `conversation store: ${explanation.decision ?? 'none'} (${explanation.reason})`,
    `  persistence=${explanation.persistence} store=${explanation.store ?? '?'} production=${explanation.production} authenticated=${explanation.authenticated}`,
    ...explanation.candidates.map((c) => `  ${c.status.padEnd(14)} ${c.kind.padEnd(15)} ${c.reason}`),
    ...explanation.warnings.map((w) => `  warning: ${w}`),
  ];
  if (explanation.error) lines.push(`  error (${explanation.error.code}): ${explanation.error.message}`);
  return lines.join('\n');
}
