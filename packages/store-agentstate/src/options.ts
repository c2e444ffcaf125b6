import { ConversationStoreError, DEFAULT_AGENTSTATE_BASE, redactUrl, type Logger } from '@agent-conversations/core';

/** The `fetch` this store calls; the platform one by default. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options of `createAgentStateStore`. */
export interface AgentStateStoreOptions {
  /** An AgentState key: `as_live_` and the rest of the key (`AGENTSTATE_API_KEY`). */
  apiKey: string;
  /** API base without `/v1` (`AGENTSTATE_API_BASE`); default `https://agentstate.app/api`. */
  baseUrl?: string;
  /** The fetch to use (a proxy, a Worker service binding's fetch); default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Per-request timeout in ms; default 10000. */
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 5xx, network errors and timeouts; default 3. */
  retries?: number;
  /** Base of the jittered exponential backoff in ms; default 250 (capped at 8 times this). */
  retryDelayMs?: number;
  /** Longest `Retry-After` wait honoured before giving up with a retryable error; default 30000 ms. */
  maxRetryAfterMs?: number;
  /** Where non-fatal problems go (a mirror refresh that failed); default `console`. */
  logger?: Logger;
}

/** Options with defaults applied and checked. */
export interface ResolvedOptions {
  apiKey: string;
  /** Base URL without a trailing slash. */
  baseUrl: string;
  fetch: FetchLike;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  maxRetryAfterMs: number;
  logger: Logger;
}

/** `as_live_` and a non-empty rest without whitespace or control characters (issued keys are 40 base62, development keys vary). */
const KEY = /^as_live_[^\s\x00-\x1f\x7f]+$/;

function config(message: string, apiKey?: string): never {
  throw new ConversationStoreError('CONFIG', message, { adapter: 'agentstate', secrets: [apiKey] });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function checkNumber(value: number | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) config(`${name} must be a number >= ${min}`);
  return value;
}

/** Checks the options (no I/O) and applies defaults; throws CONFIG with a fix-it message. */
export function resolveOptions(options: AgentStateStoreOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') config('createAgentStateStore takes { apiKey, baseUrl? }');
  const { apiKey } = options;
  if (typeof apiKey !== 'string' || !apiKey.startsWith('as_live_'))
    config('AGENTSTATE_API_KEY must start with "as_live_"', typeof apiKey === 'string' ? apiKey : undefined);
  if (!KEY.test(apiKey))
    config(
      'AGENTSTATE_API_KEY must be "as_live_" followed by the rest of the key, without spaces or control characters',
      apiKey,
    );
  const raw = options.baseUrl ?? DEFAULT_AGENTSTATE_BASE;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    config('AGENTSTATE_API_BASE must be a URL such as https://agentstate.app/api');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    config(`AGENTSTATE_API_BASE must be an https:// URL (http:// only for localhost), got ${redactUrl(raw)}`);
  }
  if (url.username || url.password || url.search || url.hash)
    config('AGENTSTATE_API_BASE must not contain credentials, a query or a fragment');
  const fetchImpl = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  if (typeof fetchImpl !== 'function') config('fetch must be a function');
  return {
    apiKey,
    baseUrl: raw.replace(/\/+$/, ''),
    fetch: fetchImpl,
    timeoutMs: checkNumber(options.timeoutMs, 'timeoutMs', 10_000, 1),
    retries: Math.floor(checkNumber(options.retries, 'retries', 3, 0)),
    retryDelayMs: checkNumber(options.retryDelayMs, 'retryDelayMs', 250, 0),
    maxRetryAfterMs: checkNumber(options.maxRetryAfterMs, 'maxRetryAfterMs', 30_000, 0),
    logger: options.logger ?? console,
  };
}
