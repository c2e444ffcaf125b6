import { parseConversationConfig, type ConversationConfig, type EnvRecord, type StoreChoice } from './config.js';
import { ConversationStoreError, isConversationStoreError, type ErrorCode } from './errors.js';
import { redact, redactUrl } from './redact.js';
import { getRegisteredAdapters, isBuiltInKind, memoryAdapter, STORE_PACKAGES } from './registry.js';
import { typedStore } from './typed.js';
import type {
  BuiltInStoreKind,
  ConversationStore,
  Logger,
  Message,
  MessageInput,
  StoreAdapter,
  StoreContext,
  StoreKind,
} from './types.js';

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

/** A backend variable the resolver saw and did not use. */
export interface IgnoredVariable {
  variable: string;
  /** The backend it configures. */
  kind: StoreKind;
  reason: string;
}

/** The variables that configure each built-in backend. */
const BACKEND_VARIABLES: Readonly<Partial<Record<BuiltInStoreKind, readonly string[]>>> = {
  agentstate: ['AGENTSTATE_API_KEY', 'AGENTSTATE_API_BASE'],
  d1: ['CONVERSATIONS_D1_DATABASE_ID', 'AGENT_CONVERSATIONS_D1_DATABASE_ID'],
  'durable-object': ['AGENT_CONVERSATIONS_DO_BINDING'],
  postgres: ['DATABASE_URL', 'POSTGRES_URL', 'POSTGRES_PRISMA_URL'],
  clickhouse: [
    'CLICKHOUSE_HOST',
    'CLICKHOUSE_AGENT_CONVERSATIONS_TABLE',
    'CLICKHOUSE_DATABASE',
    'CLICKHOUSE_USER',
    'CLICKHOUSE_PASSWORD',
    'CLICKHOUSE_CLUSTER',
    'CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE',
  ],
};

/** Every backend variable that is set but not used by the decision, with the reason. */
function ignoredVariables(
  env: EnvRecord,
  explanation: StoreExplanation,
  config: ConversationConfig,
  adapters: readonly StoreAdapter[],
): IgnoredVariable[] {
  const vars = env as Record<string, unknown>;
  const isSet = (name: string): boolean => typeof vars[name] === 'string' && (vars[name] as string).trim() !== '';
  const byKind = new Map<StoreKind, readonly string[]>(Object.entries(BACKEND_VARIABLES));
  for (const adapter of adapters)
    if (adapter.variables && !isBuiltInKind(adapter.kind)) byKind.set(adapter.kind, adapter.variables);
  const { decision } = explanation;
  const why = (kind: StoreKind): string => {
    if (!explanation.authenticated) return 'a signed-out session keeps history in the browser';
    if (!config.persistence) return 'AGENT_CONVERSATION_PERSISTENCE is not on, so history stays in the browser';
    if (config.store !== 'auto') return `AGENT_CONVERSATION_STORE=${config.store}`;
    const candidate = explanation.candidates.find((c) => c.kind === kind);
    if (!candidate) return `${kind} does not join auto (set AGENT_CONVERSATION_STORE=${kind} to use it)`;
    if (candidate.status === 'available') return `auto uses ${decision ?? 'an earlier backend'}, which comes first`;
    return candidate.reason;
  };
  const ignored: IgnoredVariable[] = [];
  for (const [kind, names] of byKind) {
    if (kind === decision) continue;
    for (const name of names) if (isSet(name)) ignored.push({ variable: name, kind, reason: why(kind) });
  }
  if (decision === 'postgres') {
    for (const name of config.postgres.ignored)
      ignored.push({ variable: name, kind: 'postgres', reason: 'not a postgres:// or postgresql:// URL' });
    for (const name of BACKEND_VARIABLES.postgres ?? []) {
      if (name !== config.postgres.urlSource && isSet(name) && !config.postgres.ignored.includes(name))
        ignored.push({ variable: name, kind: 'postgres', reason: `${config.postgres.urlSource} comes first` });
    }
  }
  return ignored;
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
  /** Why production is true or false (NODE_ENV, the app's option, or a deployment signal). */
  productionSource: string;
  candidates: CandidateExplanation[];
  /** Backend variables that are set but not used, and why (names only, never values). */
  ignored: IgnoredVariable[];
  warnings: string[];
  error?: { code: ErrorCode; message: string };
}

/** The spec's auto order of the built-in kinds; third-party kinds that ask to join are placed around it. */
export const AUTO_ORDER: readonly StoreKind[] = ['agentstate', 'd1', 'durable-object', 'postgres', 'clickhouse'];

/** The auto order with every third-party adapter that asks to join placed where it asks (the built-ins keep their order). */
export function autoOrder(adapters: readonly StoreAdapter[]): StoreKind[] {
  const order = [...AUTO_ORDER];
  for (const adapter of adapters) {
    const auto = adapter.auto;
    if (isBuiltInKind(adapter.kind) || auto === undefined || order.includes(adapter.kind)) continue;
    if (auto === 'first') order.unshift(adapter.kind);
    else if (auto === 'last') order.push(adapter.kind);
    else {
      const before = 'before' in auto;
      const at = order.indexOf(before ? auto.before : auto.after);
      order.splice(at < 0 ? order.length : at + (before ? 0 : 1), 0, adapter.kind);
    }
  }
  return order;
}

function processEnv(): EnvRecord {
  const proc = (globalThis as { process?: { env?: EnvRecord } }).process;
  return proc?.env ?? {};
}

function present(bindings: Readonly<Record<string, unknown>>, name: string): boolean {
  const value = bindings[name];
  return typeof value === 'object' && value !== null;
}

/** Whether the env/bindings configure a backend, and why (no secrets). */
function detect(
  kind: StoreKind,
  config: ConversationConfig,
  context: StoreContext,
  adapter: StoreAdapter | undefined,
): { ok: boolean; reason: string } {
  if (!isBuiltInKind(kind)) {
    if (!adapter?.detect) return { ok: false, reason: `no ${kind} adapter is registered` };
    try {
      const found = adapter.detect(config, context);
      return { ok: found.available === true, reason: String(found.reason) };
    } catch (error) {
      return {
        ok: false,
        reason: `its detect() threw: ${redact(error instanceof Error ? error.message : String(error))}`,
      };
    }
  }
  return detectBuiltIn(kind, config, context.bindings);
}

/** The spec's rules for the seven built-in kinds. */
function detectBuiltIn(
  kind: BuiltInStoreKind,
  config: ConversationConfig,
  bindings: Readonly<Record<string, unknown>>,
): { ok: boolean; reason: string } {
  switch (kind) {
    case 'agentstate':
      return config.agentstate.apiKey
        ? { ok: true, reason: `AGENTSTATE_API_KEY is set (base ${redactUrl(config.agentstate.baseUrl)})` }
        : { ok: false, reason: 'AGENTSTATE_API_KEY is not set' };
    case 'd1':
      if (present(bindings, config.d1.bindingName))
        return { ok: true, reason: `the ${config.d1.bindingName} binding is present` };
      return {
        ok: false,
        reason: config.d1.databaseId
          ? `${config.d1.databaseIdSource} is set but the Worker has no ${config.d1.bindingName} binding (deploy with the binding)`
          : `no ${config.d1.bindingName} binding`,
      };
    case 'durable-object':
      return present(bindings, config.durableObject.bindingName)
        ? { ok: true, reason: `the ${config.durableObject.bindingName} binding is present` }
        : { ok: false, reason: `no ${config.durableObject.bindingName} binding` };
    case 'postgres': {
      const ignored = config.postgres.ignored.length
        ? ` (${config.postgres.ignored.join(', ')} ignored: not a postgres URL)`
        : '';
      return config.postgres.url
        ? { ok: true, reason: `${config.postgres.urlSource} is set (${redactUrl(config.postgres.url)})${ignored}` }
        : { ok: false, reason: `none of DATABASE_URL, POSTGRES_URL, POSTGRES_PRISMA_URL is set${ignored}` };
    }
    case 'clickhouse': {
      const { tableExplicit, table, url, hosts, cluster } = config.clickhouse;
      if (!tableExplicit && config.store === 'auto')
        return {
          ok: false,
          reason: 'CLICKHOUSE_AGENT_CONVERSATIONS_TABLE is not set explicitly (auto only picks ClickHouse when it is)',
        };
      if (!url) return { ok: true, reason: `table ${table} is configured but CLICKHOUSE_HOST is not set` };
      const many =
        hosts.length > 1
          ? ` and ${hosts.length - 1} more host${hosts.length > 2 ? 's' : ''} of CLICKHOUSE_HOST (failover)`
          : '';
      return { ok: true, reason: `table ${table} on ${redactUrl(url)}${many}${cluster ? `, cluster ${cluster}` : ''}` };
    }
    case 'memory':
      return config.production
        ? { ok: false, reason: 'refused in production: memory is lost on restart' }
        : { ok: true, reason: 'development/test: no persistent backend needed' };
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
  const decision = decideOnly(options);
  if (!decision.config) return decision;
  const env = options.env ?? processEnv();
  const ignored = ignoredVariables(
    env,
    decision.explanation,
    decision.config,
    options.adapters ?? getRegisteredAdapters(),
  );
  return { ...decision, explanation: { ...decision.explanation, ignored } };
}

function decideOnly(options: ResolveOptions): Decision {
  const env = options.env ?? processEnv();
  const bindings = (options.bindings ?? env) as Readonly<Record<string, unknown>>;
  const adapters = options.adapters ?? getRegisteredAdapters();
  const kinds = adapters.map((a) => a.kind);
  const authenticated = options.authenticated ?? true;
  const base: StoreExplanation = {
    decision: null,
    reason: '',
    store: null,
    persistence: false,
    production: options.production ?? false,
    productionSource:
      options.production === undefined
        ? 'unknown: the configuration is invalid'
        : `the app passes production: ${options.production}`,
    authenticated,
    candidates: [],
    ignored: [],
    warnings: [],
  };
  let config: ConversationConfig;
  try {
    config = parseConversationConfig(env, { production: options.production, logger: options.logger, kinds });
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    return {
      explanation: {
        ...base,
        reason: 'the configuration is invalid',
        error: { code: error.code, message: error.message },
      },
    };
  }
  const explanation: StoreExplanation = {
    ...base,
    store: config.store,
    persistence: config.persistence,
    production: config.production,
    productionSource: config.productionSource,
    warnings: config.warnings,
  };
  const context: StoreContext = {
    env: env as StoreContext['env'],
    bindings,
    production: config.production,
    logger: options.logger ?? console,
  };
  const candidate = (kind: StoreKind, status: CandidateExplanation['status'], reason: string): void => {
    explanation.candidates.push({ kind, status, reason, packageName: packageOf(kind) });
  };
  const packageOf = (kind: StoreKind): string =>
    find(adapters, kind)?.packageName ?? (isBuiltInKind(kind) ? STORE_PACKAGES[kind] : `the ${kind} adapter's package`);
  const detectKind = (kind: StoreKind): { ok: boolean; reason: string } =>
    detect(kind, config, context, find(adapters, kind));
  const fail = (reason: string, message: string): Decision => ({
    explanation: { ...explanation, reason, error: { code: 'CONFIG', message } },
    config,
    context,
  });
  const choose = (kind: StoreKind, reason: string): Decision => {
    const adapter = find(adapters, kind);
    const detected = detectKind(kind);
    if (kind === 'local') {
      // The decision stands even where no browser store can be created: the browser keeps this history.
      const problem = !adapter
        ? `no ${STORE_PACKAGES.local} adapter is registered`
        : adapter.isConfigured?.(config, context);
      candidate(kind, 'chosen', detected.reason);
      const decided: Decision = { explanation: { ...explanation, decision: kind, reason }, config, context, adapter };
      if (problem === undefined || problem === true) return decided;
      return {
        ...decided,
        adapter: undefined,
        localProblem: `${reason}: nothing is stored on the server for this session (${problem}). Create the browser store in browser code; on the server, check explainStoreResolution().decision before resolving`,
      };
    }
    if (!adapter) {
      const pkg = packageOf(kind);
      candidate(kind, 'not-registered', `${detected.reason}, but ${pkg} is not registered`);
      return fail(
        `${kind} is configured but its adapter is not registered`,
        `${kind} is configured (${detected.reason}) but no ${kind} adapter is registered: npm install ${pkg} and import "${pkg}/register" (or pass its adapter to the resolver)`,
      );
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
  if (!config.persistence)
    return choose('local', 'AGENT_CONVERSATION_PERSISTENCE is not true, so history stays in the browser');
  if (config.store !== 'auto') {
    const detected = detectKind(config.store);
    if (!detected.ok) {
      candidate(config.store, 'refused', detected.reason);
      return fail(
        `AGENT_CONVERSATION_STORE=${config.store} is not available`,
        `AGENT_CONVERSATION_STORE=${config.store} but ${detected.reason}`,
      );
    }
    return choose(config.store, `AGENT_CONVERSATION_STORE=${config.store}`);
  }
  let chosen: Decision | undefined;
  for (const kind of autoOrder(adapters)) {
    const detected = detectKind(kind);
    if (!detected.ok) candidate(kind, 'skipped', detected.reason);
    else if (chosen)
      candidate(
        kind,
        'available',
        `${detected.reason}; not used because ${chosen.explanation.decision ?? 'an earlier backend'} comes first`,
      );
    else chosen = choose(kind, `auto: ${kind} is the first configured backend`);
  }
  if (chosen) return chosen;
  const checked = explanation.candidates.map((c) => `${c.kind}: ${c.reason}`).join('; ');
  if (config.production) {
    candidate('memory', 'refused', 'refused in production: memory is lost on restart');
    return fail(
      'production with no persistent backend: auto fails closed',
      `No persistent conversation store is configured and this is production, so auto refuses to fall back to memory. Checked: ${checked}. Configure one of them (see the AGENT_CONVERSATION_STORE docs).`,
    );
  }
  const memory = choose('memory', 'auto: no persistent backend is configured; memory is used in development/test only');
  const warning = `auto chose memory (${config.productionSource}): nothing is persisted and history is lost on restart; configure a backend, or pass production: true so a deployment fails instead`;
  return { ...memory, explanation: { ...memory.explanation, warnings: [...memory.explanation.warnings, warning] } };
}

/** Explains which backend the options resolve to and why each candidate was taken or skipped; never throws, never shows secrets. */
export function explainStoreResolution(options: ResolveOptions = {}): StoreExplanation {
  return decide(options).explanation;
}

/** Resolves and creates the store (no I/O yet: stores connect lazily); throws CONFIG with the explanation's reason when it cannot. */
export async function resolveConversationStore<M extends MessageInput = Message>(
  options: ResolveOptions = {},
): Promise<ConversationStore<M>> {
  const { explanation, config, context, adapter, localProblem } = decide(options);
  if (explanation.error || !adapter || !config || !context) {
    throw configError(explanation.error?.message ?? localProblem ?? explanation.reason);
  }
  // Never silent: an auto decision for memory logs one warning with the whole explanation.
  if (explanation.decision === 'memory' && config.store === 'auto')
    context.logger.warn(`[agent-conversations] ${formatExplanation(explanation)}`);
  return typedStore<M>(await adapter.create(config, context));
}

/** A resolver bound to a fixed adapter list, with no global state (tests, Workers). */
export function createStoreResolver(adapters: readonly StoreAdapter[]): {
  explain(options?: Omit<ResolveOptions, 'adapters'>): StoreExplanation;
  resolve<M extends MessageInput = Message>(options?: Omit<ResolveOptions, 'adapters'>): Promise<ConversationStore<M>>;
} {
  return {
    explain: (options = {}) => explainStoreResolution({ ...options, adapters }),
    resolve: <M extends MessageInput = Message>(options: Omit<ResolveOptions, 'adapters'> = {}) =>
      resolveConversationStore<M>({ ...options, adapters }),
  };
}

/** The explanation as readable lines, for logs and `doctor`. */
export function formatExplanation(explanation: StoreExplanation): string {
  const lines = [
    `conversation store: ${explanation.decision ?? 'none'} (${explanation.reason})`,
    `  persistence=${explanation.persistence} store=${explanation.store ?? '?'} production=${explanation.production} (${explanation.productionSource}) authenticated=${explanation.authenticated}`,
    ...explanation.candidates.map((c) => `  ${c.status.padEnd(14)} ${c.kind.padEnd(15)} ${c.reason}`),
    ...explanation.ignored.map((i) => `  ignored        ${i.variable}: ${i.reason}`),
    ...explanation.warnings.map((w) => `  warning: ${w}`),
  ];
  if (explanation.error) lines.push(`  error (${explanation.error.code}): ${explanation.error.message}`);
  return lines.join('\n');
}
