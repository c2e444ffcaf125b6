import { randomBytes } from 'node:crypto';

const COOKIE = 'chat_demo_session';
const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** Demo sign-in: a name is enough. Sessions live in this process, so a restart signs everybody out (the history stays in the store). */
export interface Sessions {
  /** The signed-in user of the request's session cookie, or null. */
  userOf(request: Request): string | null;
  /** Starts a session for `name` and returns its Set-Cookie header; throws on a name that is not 1-32 of a-z 0-9 _ - starting with a letter. */
  signIn(name: string): string;
  /** Ends the request's session and returns the Set-Cookie header that clears the cookie. */
  signOut(request: Request): string;
}

/** Normalizes a demo user name, or returns null when it is not 1-32 of a-z 0-9 _ - starting with a letter. */
export function demoUserName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const trimmed = name.trim().toLowerCase();
  return NAME.test(trimmed) ? trimmed : null;
}

function sessionId(request: Request): string | null {
  const header = request.headers.get('cookie') ?? '';
  for (const pair of header.split(';')) {
    const [key, value] = pair.trim().split('=');
    if (key === COOKIE && value) return value;
  }
  return null;
}

/** In-memory cookie sessions. */
export function createSessions(): Sessions {
  const users = new Map<string, string>();
  return {
    userOf(request) {
      const id = sessionId(request);
      return id ? (users.get(id) ?? null) : null;
    },
    signIn(name) {
      const user = demoUserName(name);
      if (!user) throw new Error('invalid demo user name');
      const id = randomBytes(24).toString('hex');
      users.set(id, user);
      return `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`;
    },
    signOut(request) {
      const id = sessionId(request);
      if (id) users.delete(id);
      return `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
    },
  };
}
