import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES, type RouteResult } from './routes.js';
import { ApiError, nanoid, ServerState } from './state.js';

/** A fault the next matching requests meet. `*-after-commit` faults apply the request first, then lose or delay its answer. */
export interface Fault {
  method?: string;
  /** Matched against the path under the base, e.g. /^\/v1\/conversations$/. */
  path?: RegExp;
  /** How many matching requests pass untouched before it hits; default 0. */
  skip?: number;
  /** How many requests it hits; default 1. */
  times?: number;
  kind: 'status' | 'rate-limit' | 'drop' | 'drop-after-commit' | 'error-after-commit' | 'delay-after-commit';
  /** For `status`: the status to answer (default 500). */
  status?: number;
  /** For `rate-limit`: the Retry-After seconds (default 1). */
  retryAfter?: number;
  /** For `delay-after-commit`: how long the answer waits. */
  delayMs?: number;
}

/** One request as the server saw it. */
export interface LoggedRequest {
  method: string;
  path: string;
  /** The query string without `?`. */
  query: string;
  status: number;
  requestId: string;
  /** How many other requests had arrived and were not yet answered when this one arrived (two requests in one round see each other). */
  concurrent: number;
}

/** Options of the test server. */
export interface ServerOptions {
  /** Requests per key per window; default 100 (the documented limit). */
  rateLimit?: number;
  /** Window length; default 60000 (the UTC minute). */
  windowMs?: number;
}

interface Key {
  project: string;
  scopes: string[];
  revoked: boolean;
}

/** A running AgentState test server. */
export interface AgentStateTestServer {
  /** Base URL to give the store, like https://agentstate.app/api. */
  baseUrl: string;
  /** A valid key with read and write scopes. */
  apiKey: string;
  /** The project every key of this server belongs to. */
  project: string;
  state: ServerState;
  requests: LoggedRequest[];
  /** Rate limit per window; settable while running. */
  rateLimit: number;
  /** Adds a key to the same project (scopes, revoked; a given key text, else a generated `as_live_` + 40 base62) and returns it. */
  addKey(scopes: string[], revoked?: boolean, key?: string): string;
  /** Queues a fault. */
  inject(fault: Fault): void;
  /** Faults not yet used up. */
  pendingFaults(): number;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE = '/api';

function newKey(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `as_live_${Array.from(randomBytes(40), (b) => chars[b % 62]).join('')}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: RouteResult): void {
  if (result.body === undefined) {
    res.writeHead(result.status).end();
    return;
  }
  res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(result.body));
}

function errorResult(status: number, code: string, message: string): RouteResult {
  return { status, body: { error: { code, message } } };
}

/**
 * Starts the server on a free loopback port. It follows agentstate-api.md, its "Measured on the genuine server" section
 * included: bearer keys and scopes, error shape, rate-limit headers, cursors, tags, external ids, 5 messages per request,
 * the non-atomic create, by-external-id's unordered batches, PUT's later updated_at, lenient inputs.
 */
export async function startAgentStateServer(options: ServerOptions = {}): Promise<AgentStateTestServer> {
  const state = new ServerState();
  const keys = new Map<string, Key>();
  const windows = new Map<string, { window: number; count: number }>();
  const faults: Fault[] = [];
  const requests: LoggedRequest[] = [];
  const windowMs = options.windowMs ?? 60_000;
  const project = nanoid();

  const takeFault = (method: string, path: string): Fault | undefined => {
    const index = faults.findIndex((f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)));
    if (index < 0) return undefined;
    const fault = faults[index]!;
    if ((fault.skip ?? 0) > 0) {
      fault.skip! -= 1;
      return undefined;
    }
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.splice(index, 1);
    return fault;
  };

  let open = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const concurrent = open;
    open += 1;
    res.on('close', () => (open -= 1));
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : `req_${nanoid()}`;
    res.setHeader('X-Request-Id', requestId);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(`${BASE}/`) ? url.pathname.slice(BASE.length) : url.pathname;
    const raw = await readBody(req);
    const log = (status: number): void =>
      void requests.push({ method, path, query: url.search.slice(1), status, requestId, concurrent });

    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    // Measured: any stored key that starts with as_live_ is accepted, whatever its shape.
    const key = auth && auth[1]!.startsWith('as_live_') ? keys.get(auth[1]!) : undefined;
    if (!key || key.revoked) {
      log(401);
      return send(res, errorResult(401, 'UNAUTHORIZED', 'Unauthorized'));
    }
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const bucket = windows.get(auth![1]!)?.window === window ? windows.get(auth![1]!)! : { window, count: 0 };
    windows.set(auth![1]!, bucket);
    bucket.count += 1;
    const resetMs = (window + 1) * windowMs;
    res.setHeader('X-RateLimit-Limit', String(server.rateLimit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, server.rateLimit - bucket.count)));
    res.setHeader('X-RateLimit-Reset', String(Math.ceil(resetMs / 1000)));
    const fault = takeFault(method, path);
    if (bucket.count > server.rateLimit || fault?.kind === 'rate-limit') {
      const seconds =
        fault?.kind === 'rate-limit' ? (fault.retryAfter ?? 1) : Math.max(1, Math.ceil((resetMs - now) / 1000));
      res.setHeader('Retry-After', String(seconds));
      log(429);
      return send(res, errorResult(429, 'RATE_LIMITED', 'Rate limit exceeded'));
    }
    if (fault?.kind === 'drop') {
      log(0);
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      log(fault.status ?? 500);
      return send(res, errorResult(fault.status ?? 500, 'INTERNAL_ERROR', 'Internal error'));
    }

    const match = ROUTES.map((route) => ({ route, m: route.method === method ? route.pattern.exec(path) : null })).find(
      (r) => r.m,
    );
    let result: RouteResult;
    if (!match) {
      log(404);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    try {
      if (!key.scopes.includes(match.route.scope))
        throw new ApiError(403, 'FORBIDDEN', `This key lacks the ${match.route.scope} scope`);
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw) as unknown;
        } catch {
          throw new ApiError(400, 'BAD_REQUEST', 'Invalid JSON body');
        }
      }
      result = match.route.handle({
        state,
        project: key.project,
        params: match.m!.slice(1),
        query: url.searchParams,
        body,
      });
    } catch (error) {
      result =
        error instanceof ApiError
          ? errorResult(error.status, error.code, error.message)
          : errorResult(500, 'INTERNAL_ERROR', 'Internal error');
    }
    log(result.status);
    if (fault?.kind === 'drop-after-commit') return void res.socket?.destroy();
    if (fault?.kind === 'error-after-commit') return send(res, errorResult(500, 'INTERNAL_ERROR', 'Internal error'));
    if (fault?.kind === 'delay-after-commit')
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
    if (!res.destroyed) send(res, result);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, errorResult(500, 'INTERNAL_ERROR', String(error)));
    });
  });
  http.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const server: AgentStateTestServer = {
    baseUrl: `http://127.0.0.1:${port}${BASE}`,
    apiKey: '',
    project,
    state,
    requests,
    rateLimit: options.rateLimit ?? 100,
    addKey(scopes, revoked = false, key = newKey()) {
      keys.set(key, { project, scopes, revoked });
      return key;
    },
    inject: (fault) => void faults.push({ ...fault }),
    pendingFaults: () => faults.length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  server.apiKey = server.addKey(['conversations:read', 'conversations:write']);
  return server;
}
