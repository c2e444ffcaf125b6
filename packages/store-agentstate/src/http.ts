import { ConversationStoreError, type ErrorCode } from '@agent-conversations/core';
import type { ResolvedOptions } from './options.js';

/** One call to the AgentState API. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the base, starting with `/v1/`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** What the call does, for error messages ("create conversation"). */
  label: string;
  /** Statuses handed back to the caller instead of thrown (404, 409). */
  expect?: readonly number[];
  /** False for creates: a lost response is not retried but reported as an unknown outcome. */
  idempotent: boolean;
}

/** A successful or expected answer. */
export interface ApiResponse<T> {
  status: number;
  body: T;
  requestId: string;
}

/** A function that performs API calls with auth, timeouts and retries. */
export type Api = <T>(request: ApiRequest) => Promise<ApiResponse<T>>;

const ADAPTER = 'agentstate';
const unknownOutcome = new WeakSet<Error>();
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

/** True when a write failed in a way that leaves open whether the server applied it (lost response, timeout, 5xx). */
export function isUnknownOutcome(error: unknown): boolean {
  return error instanceof Error && unknownOutcome.has(error);
}

function errorCode(error: unknown, depth = 0): string | undefined {
  if (!(error instanceof Error) || depth > 4) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Full-jitter exponential backoff: uniform in [0, min(8 * base, base * 2^attempt)). */
export function backoffMs(base: number, attempt: number): number {
  return Math.random() * Math.min(base * 8, base * 2 ** attempt);
}

function newRequestId(): string {
  return `acs-${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
}

/** Seconds (or an HTTP date) of `Retry-After` in ms; 1 s when absent or unreadable. */
function retryAfterMs(header: string | null): number {
  if (header === null) return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - Date.now());
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  403: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

const HINTS: Record<number, string> = {
  401: '; check AGENTSTATE_API_KEY (missing, malformed or revoked)',
  403: '; the key lacks the conversations:read or conversations:write scope',
  400: '; AgentState refused the data, nothing was written',
};

function apiError(body: unknown): { code: string; message: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : 'UNKNOWN',
    message: typeof error?.message === 'string' ? error.message : 'no error message',
  };
}

function parse(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A failed attempt that may be retried: after `waitMs` (Retry-After) or the jittered backoff. */
interface Retry {
  retry: ConversationStoreError;
  waitMs?: number;
}

/** Builds the API caller: bearer auth, `X-Request-Id`, a timeout on every attempt, `Retry-After` on 429, jittered backoff on 5xx and network errors. */
export function createApi(options: ResolvedOptions): Api {
  const fail = (code: ErrorCode, message: string, cause?: unknown, retryable?: boolean): ConversationStoreError =>
    new ConversationStoreError(code, message, { adapter: ADAPTER, cause, secrets: [options.apiKey], retryable });
  const unknown = (error: ConversationStoreError): never => {
    unknownOutcome.add(error);
    throw error;
  };

  /** One attempt: the answer, a retry, or a thrown final error (an unknown outcome for a non-idempotent write). */
  async function attempt<T>(
    request: ApiRequest,
    url: string,
    body: string | undefined,
  ): Promise<ApiResponse<T> | Retry> {
    const requestId = newRequestId();
    const where = `AgentState ${request.label}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      const headers: Record<string, string> = {
        authorization: `Bearer ${options.apiKey}`,
        accept: 'application/json',
        'x-request-id': requestId,
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      response = await options.fetch(url, { method: request.method, headers, body, signal: controller.signal });
      text = await response.text();
    } catch (cause) {
      const timedOut = controller.signal.aborted;
      const error = fail(
        'UNAVAILABLE',
        `${where} ${timedOut ? `timed out after ${options.timeoutMs} ms` : 'could not reach the server'} (request id ${requestId})`,
        cause,
        true,
      );
      const notSent = !timedOut && NOT_SENT.has(errorCode(cause) ?? '');
      return request.idempotent || notSent ? { retry: error } : unknown(error);
    } finally {
      clearTimeout(timer);
    }
    const rid = response.headers.get('x-request-id') ?? requestId;
    const parsed = parse(text);
    if (response.status === 404 && !(parsed as { error?: unknown } | null | undefined)?.error) {
      throw fail(
        'CONFIG',
        `${where}: the server has no such route (HTTP 404 without an AgentState error, request id ${rid}); check AGENTSTATE_API_BASE, e.g. https://agentstate.app/api`,
      );
    }
    if ((response.status >= 200 && response.status < 300) || request.expect?.includes(response.status)) {
      if (parsed === undefined)
        throw fail(
          'STORAGE',
          `${where} answered HTTP ${response.status} with a body that is not JSON (request id ${rid})`,
        );
      return { status: response.status, body: parsed as T, requestId: rid };
    }
    const { code, message } = apiError(parsed);
    const detail = `${where} failed: HTTP ${response.status} ${code}: ${message} (request id ${rid})`;
    if (response.status === 429) {
      const waitMs = retryAfterMs(response.headers.get('retry-after'));
      const error = fail(
        'UNAVAILABLE',
        `${detail}; rate limited, retry after ${Math.ceil(waitMs / 1000)} s`,
        undefined,
        true,
      );
      if (waitMs > options.maxRetryAfterMs) throw error;
      return { retry: error, waitMs };
    }
    if (response.status >= 500) {
      const error = fail('UNAVAILABLE', detail, undefined, true);
      return request.idempotent ? { retry: error } : unknown(error);
    }
    throw fail(STATUS_CODES[response.status] ?? 'STORAGE', `${detail}${HINTS[response.status] ?? ''}`);
  }

  return async function call<T>(request: ApiRequest): Promise<ApiResponse<T>> {
    const query = Object.entries(request.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
    const search = query.length ? `?${new URLSearchParams(query.map(([k, v]) => [k, String(v)])).toString()}` : '';
    const url = `${options.baseUrl}${request.path}${search}`;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    for (let n = 0; ; n++) {
      const outcome = await attempt<T>(request, url, body);
      if (!('retry' in outcome)) return outcome;
      if (n >= options.retries) throw outcome.retry;
      await sleep(outcome.waitMs ?? backoffMs(options.retryDelayMs, n));
    }
  };
}
