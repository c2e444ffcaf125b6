import { getRegisteredAdapters, type EnvRecord } from '@agent-conversations/core';

/** Variables that configure a persistent backend: with one of them set, running on memory or local is a mistake. */
export const BACKEND_VARIABLES = [
  'AGENTSTATE_API_KEY',
  'CONVERSATIONS_D1_DATABASE_ID',
  'AGENT_CONVERSATIONS_D1_DATABASE_ID',
  'AGENT_CONVERSATIONS_DO_BINDING',
  'DATABASE_URL',
  'POSTGRES_URL',
  'POSTGRES_PRISMA_URL',
  'CLICKHOUSE_HOST',
  'CLICKHOUSE_AGENT_CONVERSATIONS_TABLE',
] as const;

/** Every variable the resolver reads (see the root README's configuration table). */
export const KNOWN_VARIABLES: readonly string[] = [
  'AGENT_CONVERSATION_PERSISTENCE',
  'AGENT_CONVERSATION_STORE',
  'NEXT_PUBLIC_FEATURE_CONVERSATION_DB',
  'NODE_ENV',
  'AGENTSTATE_API_BASE',
  'CLICKHOUSE_USER',
  'CLICKHOUSE_PASSWORD',
  'CLICKHOUSE_DATABASE',
  'CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE',
  ...BACKEND_VARIABLES,
];

function strings(env: EnvRecord): [string, string][] {
  return Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '');
}

/** The backend variables that are set (names only), those registered third-party adapters declare included. */
export function backendVariablesSet(env: EnvRecord): string[] {
  const set = new Set(strings(env).map(([name]) => name));
  const declared = getRegisteredAdapters().flatMap((adapter) => adapter.variables ?? []);
  return [...new Set([...BACKEND_VARIABLES, ...declared])].filter((name) => set.has(name));
}

/** Edit distance with adjacent transpositions (optimal string alignment), stopping early above `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
    }
    [before, previous] = [previous, current];
  }
  return previous[b.length]!;
}

/** Set variables whose names are close to a known one but not it (DATABSE_URL, database_url, AGENT_CONVERSATIONS_STORE). */
export function probableTypos(env: EnvRecord): { given: string; meant: string }[] {
  const found: { given: string; meant: string }[] = [];
  for (const [given] of strings(env)) {
    if (KNOWN_VARIABLES.includes(given)) continue;
    const upper = given.toUpperCase();
    const meant = KNOWN_VARIABLES.find(
      (known) => !(known in env) && distance(upper, known, known.length >= 10 ? 2 : 1) <= (known.length >= 10 ? 2 : 1),
    );
    if (meant) found.push({ given, meant });
  }
  return found;
}

/** " Did you mean X (you set Y)?" for every probable typo, or "". */
export function typoHint(env: EnvRecord): string {
  const typos = probableTypos(env);
  if (typos.length === 0) return '';
  return ` Probably mistyped: ${typos.map((t) => `${t.given} (did you mean ${t.meant}?)`).join(', ')}.`;
}
