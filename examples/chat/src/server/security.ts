import { errorResponse, json } from './http.js';

/** Headers on every response: no inline or foreign scripts, no framing, no MIME sniffing. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The `host:port` names this server answers to on `port`: its own host plus loopback names, plus `extra` (comma-separated). */
export function allowedHostsFor(host: string, port: number, extra = ''): Set<string> {
  const names = [
    '127.0.0.1',
    'localhost',
    '[::1]',
    host.includes(':') ? `[${host}]` : host,
    ...extra.split(',').map((h) => h.trim()),
  ];
  return new Set(
    names
      .filter((name) => name && name !== '0.0.0.0' && name !== '[::]')
      .map((name) => (name.includes(':') && !name.startsWith('[') ? name : `${name}:${port}`).toLowerCase()),
  );
}

function refuse(status: number, message: string): Response {
  return json({ error: { code: status === 400 ? 'VALIDATION' : 'UNAUTHORIZED', message } }, status);
}

/**
 * Refuses a request before any route sees it: a Host this server is not (DNS rebinding: a foreign name that
 * resolves to this machine), and a state-changing request from another site (Origin, or Sec-Fetch-Site when
 * a browser sends no Origin). Requests without either header are not from a browser page, so carry no
 * visitor's cookie to abuse.
 */
export function checkRequest(request: Request, allowedHosts: ReadonlySet<string>): Response | null {
  const host = (request.headers.get('host') ?? '').toLowerCase();
  if (!allowedHosts.has(host))
    return refuse(400, `this server answers for ${[...allowedHosts].join(', ')}, not for Host "${host.slice(0, 100)}"`);
  if (SAFE_METHODS.has(request.method)) return null;
  const origin = request.headers.get('origin');
  const site = request.headers.get('sec-fetch-site');
  if (
    origin !== null
      ? origin.toLowerCase().replace(/^https?:\/\//, '') !== host || !/^https?:/i.test(origin)
      : site !== null && site !== 'same-origin' && site !== 'none'
  ) {
    return refuse(403, 'cross-site request refused: state-changing requests must come from this page');
  }
  return null;
}

/** The response with the security headers added. */
export function withSecurityHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** A 400 for a path that is not valid percent-encoding (`%ZZ`). */
export function badPath(): Response {
  return errorResponse('VALIDATION', 'the path is not valid percent-encoding');
}
