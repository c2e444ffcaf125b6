import { createHmac, timingSafeEqual } from 'node:crypto';

const COOKIE = 'chat_demo_session';
const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
/** How long a sign-in lasts: 7 days. */
export const SESSION_SECONDS = 7 * 24 * 60 * 60;

/**
 * Demo sign-in: a name is enough (no password). The session is a signed, expiring cookie
 * (`name.expiry.HMAC-SHA256`), so the server keeps no session state and a restart with the same
 * secret keeps people signed in. A real app puts its own auth here (Auth.js, an OIDC provider, its SSO).
 */
export interface Sessions {
  /** The signed-in user of the request's session cookie, or null (no cookie, a bad signature, or expired). */
  userOf(request: Request): string | null;
  /** Starts a session for `name` and returns its Set-Cookie header; throws on a name that is not 1-32 of a-z 0-9 _ - starting with a letter. */
  signIn(name: string): string;
  /** The Set-Cookie header that clears the cookie. */
  signOut(): string;
}

/** Options of {@link createSessions}. */
export interface SessionOptions {
  /** The HMAC key, at least 32 characters. */
  secret: string;
  /** Session lifetime in seconds; default {@link SESSION_SECONDS}. */
  maxAgeSeconds?: number;
  /** Unix ms now; for tests of expiry. */
  now?: () => number;
}

/** Normalizes a demo user name, or returns null when it is not 1-32 of a-z 0-9 _ - starting with a letter. */
export function demoUserName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const trimmed = name.trim().toLowerCase();
  return NAME.test(trimmed) ? trimmed : null;
}

function cookieValue(request: Request): string | null {
  const header = request.headers.get('cookie') ?? '';
  for (const pair of header.split(';')) {
    const [key, value] = pair.trim().split('=');
    if (key === COOKIE && value) return value;
  }
  return null;
}

/** Stateless signed-cookie sessions. */
export function createSessions({ secret, maxAgeSeconds = SESSION_SECONDS, now = Date.now }: SessionOptions): Sessions {
  if (secret.length < 32) throw new Error('the session secret must be at least 32 characters');
  const sign = (payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();
  const cookie = (value: string, maxAge: number): string =>
    `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;
  return {
    userOf(request) {
      const [user, expiry, signature, extra] = (cookieValue(request) ?? '').split('.');
      if (!user || !expiry || !signature || extra !== undefined || demoUserName(user) !== user) return null;
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(`${user}.${expiry}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return Number(expiry) * 1000 > now() ? user : null;
    },
    signIn(name) {
      const user = demoUserName(name);
      if (!user) throw new Error('invalid demo user name');
      const expiry = Math.floor(now() / 1000) + maxAgeSeconds;
      return cookie(`${user}.${expiry}.${sign(`${user}.${expiry}`).toString('base64url')}`, maxAgeSeconds);
    },
    signOut() {
      return cookie('', 0);
    },
  };
}
