import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvRecord, StoreKind } from '@agent-conversations/core';

/** Where the app appears to run. */
export type Platform = 'cloudflare-workers' | 'vercel' | 'kubernetes' | 'docker' | 'local';

/** The spec's recommendation per platform. */
export const RECOMMENDED: Readonly<Record<Platform, { stores: StoreKind[]; why: string }>> = {
  'cloudflare-workers': {
    stores: ['d1', 'durable-object'],
    why: 'managed SQL that is easy to inspect, migrate and export (durable-object for strictly colocated per-user state)',
  },
  vercel: { stores: ['postgres'], why: 'works with Vercel Postgres or any external Postgres' },
  kubernetes: { stores: ['postgres'], why: 'the standard managed database pattern' },
  docker: { stores: ['clickhouse', 'postgres'], why: 'reuse the infrastructure you already run' },
  local: { stores: ['local', 'memory'], why: 'no setup; data is ephemeral' },
};

function inContainer(): boolean {
  if (existsSync('/.dockerenv')) return true;
  if (!existsSync('/proc/1/cgroup')) return false; // macOS, Windows: not a Linux container
  return /docker|containerd|kubepods/.test(readFileSync('/proc/1/cgroup', 'utf8'));
}

/** Detects the platform from well-known variables and files; `cwd` is where a wrangler config may live. */
export function detectPlatform(env: EnvRecord, cwd = process.cwd()): { platform: Platform; evidence: string } {
  const vars = env as Record<string, unknown>;
  const has = (name: string): boolean => typeof vars[name] === 'string' && vars[name] !== '';
  if (has('WORKERS_CI') || has('CF_PAGES'))
    return { platform: 'cloudflare-workers', evidence: 'Cloudflare build variables are set' };
  const wrangler = ['wrangler.toml', 'wrangler.jsonc', 'wrangler.json'].find((f) => existsSync(join(cwd, f)));
  if (wrangler) return { platform: 'cloudflare-workers', evidence: `${wrangler} is in ${cwd}` };
  if (has('VERCEL') || has('VERCEL_ENV')) return { platform: 'vercel', evidence: 'VERCEL is set' };
  if (has('KUBERNETES_SERVICE_HOST')) return { platform: 'kubernetes', evidence: 'KUBERNETES_SERVICE_HOST is set' };
  if (inContainer()) return { platform: 'docker', evidence: 'running in a container (/.dockerenv or cgroup)' };
  return { platform: 'local', evidence: 'no platform markers found' };
}
