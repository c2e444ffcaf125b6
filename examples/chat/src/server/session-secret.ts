import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where the secret comes from, for the startup summary. */
export interface SessionSecret {
  secret: string;
  source: string;
}

async function readSecret(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The key that signs session cookies: `CHAT_DEMO_SESSION_SECRET` (at least 32 characters), required in
 * production; in development a random one is generated once and kept in `file` (mode 0600), so restarting
 * the server keeps people signed in. Returns an error message instead when it cannot be had.
 */
export async function loadSessionSecret(
  env: Record<string, string | undefined>,
  file: string,
): Promise<SessionSecret | { error: string }> {
  const given = env.CHAT_DEMO_SESSION_SECRET;
  if (given !== undefined) {
    return given.length >= 32
      ? { secret: given, source: 'CHAT_DEMO_SESSION_SECRET' }
      : { error: 'CHAT_DEMO_SESSION_SECRET must be at least 32 characters' };
  }
  if (env.NODE_ENV === 'production')
    return { error: 'set CHAT_DEMO_SESSION_SECRET (32+ random characters) to sign session cookies in production' };
  const existing = await readSecret(file);
  if (existing) return { secret: existing, source: file };
  await mkdir(dirname(file), { recursive: true });
  // Written aside and linked into place, so two servers starting at once agree on one secret.
  const aside = `${file}.${process.pid}.tmp`;
  await writeFile(aside, randomBytes(32).toString('hex'), { mode: 0o600 });
  try {
    await link(aside, file);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  } finally {
    await unlink(aside);
  }
  return { secret: (await readSecret(file))!, source: `${file} (generated)` };
}
