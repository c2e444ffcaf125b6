import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { parseArgs } from 'node:util';
import { formatExplanation, type EnvRecord } from '@agent-conversations/core';
import { formatDoctor, redactLine, runDoctor } from './doctor.js';
import { createProgress } from './progress.js';
import { loadSide, openStore, registerInstalledStores, type SideOptions } from './stores.js';
import { UsageError } from './usage-error.js';
import { countUsers, exportConversations, type UserSelection } from './transfer.js';

type Options = {
  'env-file': { type: 'string' };
  json: { type: 'boolean' };
  'dry-run': { type: 'boolean' };
  user: { type: 'string'; multiple: true };
  all: { type: 'boolean' };
  out: { type: 'string' };
  'from-env': { type: 'string' };
  'to-env': { type: 'string' };
  state: { type: 'string' };
  restart: { type: 'boolean' };
  strict: { type: 'boolean' };
  'allow-memory': { type: 'boolean' };
  'persist-to': { type: 'string' };
  'wrangler-env': { type: 'string' };
  production: { type: 'boolean' };
  adapter: { type: 'string'; multiple: true };
  help: { type: 'boolean'; short: 'h' };
  version: { type: 'boolean'; short: 'v' };
};
/** The parsed command-line options. */
export type Values = ReturnType<typeof parseArgs<{ options: Options; allowPositionals: true }>>['values'];

/** How a command reads its side(s) from the options. */
export function sideOptions(values: Values, base: EnvRecord = process.env): SideOptions {
  return { base, persistTo: values['persist-to'], environment: values['wrangler-env'], production: values.production };
}

/** Values that must never be printed, for the redaction of whole outputs (URLs are reduced by `redact` itself). */
export function secretsOf(env: EnvRecord): string[] {
  const vars = env as Record<string, unknown>;
  return ['CLICKHOUSE_PASSWORD', 'AGENTSTATE_API_KEY']
    .map((name) => vars[name])
    .filter((v): v is string => typeof v === 'string');
}

/** The users to move: --all or --user ID (repeatable). */
export function selection(values: Values): UserSelection {
  if (values.all && values.user?.length) throw new UsageError('choose --all or --user, not both');
  if (values.all) return { all: true };
  if (values.user?.length) return { userIds: values.user };
  throw new UsageError('choose the users: --user ID (repeatable) or --all');
}

export async function commandDoctor(values: Values): Promise<number> {
  const packages = await registerInstalledStores(values.adapter);
  const side = await loadSide(values['env-file'], sideOptions(values));
  try {
    const report = await runDoctor(side, packages);
    const secrets = secretsOf(side.env);
    console.log(
      values.json
        ? JSON.stringify(report, null, 2)
            .split('\n')
            .map((l) => redactLine(l, secrets))
            .join('\n')
        : formatDoctor(report, secrets),
    );
    return report.ok ? 0 : 1;
  } finally {
    await side.dispose();
  }
}

export async function commandMigrate(values: Values): Promise<number> {
  await registerInstalledStores(values.adapter);
  const side = await loadSide(values['env-file'], sideOptions(values));
  try {
    const { explanation, store } = await openStore(side, { allowMemory: true });
    try {
      console.error(formatExplanation(explanation));
      if (!store.migrate) {
        console.log(
          `${store.kind}: no migration step (${store.kind === 'memory' ? 'memory has no schema' : 'the schema is managed by the store itself'})`,
        );
        return 0;
      }
      const report = await store.migrate({ dryRun: values['dry-run'] });
      if (values['dry-run']) {
        console.log(
          report.steps.length
            ? report.steps.map((s) => `-- ${s.version} ${s.name}\n${s.sql}`).join('\n\n')
            : `-- schema is at version ${report.from}: nothing to apply`,
        );
      } else {
        console.log(
          report.steps.length
            ? `migrated ${store.kind} schema from version ${report.from} to ${report.to}: ${report.steps.map((s) => `${s.version} ${s.name}`).join(', ')}`
            : `${store.kind} schema already at version ${report.to}`,
        );
      }
      return 0;
    } finally {
      await store.close();
    }
  } finally {
    await side.dispose();
  }
}

export async function commandExport(values: Values): Promise<number> {
  const chosen = selection(values);
  await registerInstalledStores(values.adapter);
  const side = await loadSide(values['env-file'], sideOptions(values));
  try {
    const { store } = await openStore(side, { allowMemory: values['allow-memory'], role: 'the export source' });
    const out = values.out ? createWriteStream(values.out) : process.stdout;
    const progress = createProgress('users');
    try {
      progress.start(await countUsers(store, chosen));
      const write = async (line: string): Promise<void> => {
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      };
      const counts = await exportConversations(store, chosen, write, (_, c) =>
        progress.update(c.users, `${c.conversations} conversations`),
      );
      progress.stop();
      console.error(`exported ${counts.conversations} conversations of ${counts.users} users`);
      return 0;
    } finally {
      progress.stop();
      if (out !== process.stdout)
        await new Promise<void>((resolve, reject) =>
          out.end((error?: Error | null) => (error ? reject(error) : resolve())),
        );
      await store.close();
    }
  } finally {
    await side.dispose();
  }
}
