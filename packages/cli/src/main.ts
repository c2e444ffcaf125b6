import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { formatExplanation, isConversationStoreError, redact, type EnvRecord } from '@agent-conversations/core';
import { formatDoctor, runDoctor } from './doctor.js';
import { readEnvFile } from './env-file.js';
import { createProgress } from './progress.js';
import { openStore, registerInstalledStores } from './stores.js';
import { copyConversations, exportConversations, importConversations, type CopyCheckpoint, type TransferResult, type UserSelection } from './transfer.js';

export const USAGE = `Usage: agent-conversations <command> [options]

  doctor   [--env-file F] [--json]         explain the store choice and check the backend for real
  migrate  [--env-file F] [--dry-run]      apply (or print) the schema migrations of the configured store
  export   [--env-file F] (--user ID... | --all) [--out FILE]
                                           JSON Lines: a header, then one conversation per line
  import   FILE [--env-file F]             idempotent; existing different conversations are reported
  copy     --from-env A.env --to-env B.env (--user ID... | --all) [--state FILE] [--restart]
                                           resumable, idempotent copy between two backends

Exit codes: 0 done, 1 error or failed writes, 3 conflicts reported (nothing overwritten).`;

const OPTIONS = {
  'env-file': { type: 'string' }, json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, user: { type: 'string', multiple: true },
  all: { type: 'boolean' }, out: { type: 'string' }, 'from-env': { type: 'string' }, 'to-env': { type: 'string' }, state: { type: 'string' },
  restart: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function environment(values: Values): Promise<EnvRecord> {
  return values['env-file'] ? { ...process.env, ...(await readEnvFile(values['env-file'])) } : process.env;
}

function selection(values: Values): UserSelection {
  if (values.all) return { all: true };
  if (values.user?.length) return { userIds: values.user };
  throw new Error('choose the users: --user ID (repeatable) or --all');
}

function exitFor(result: TransferResult & { mismatches?: unknown[] }): number {
  if (result.failed > 0 || (result.mismatches?.length ?? 0) > 0) return 1;
  return result.conflicts.length > 0 ? 3 : 0;
}

function summary(result: TransferResult): string {
  const lines = [`users ${result.users}, copied ${result.copied}, skipped ${result.skipped} (already there), conflicts ${result.conflicts.length - result.failed}, failed ${result.failed}`];
  for (const c of result.conflicts) lines.push(`  ${c.userId} / ${c.id}: ${c.reason}`);
  return lines.join('\n');
}

async function commandDoctor(values: Values): Promise<number> {
  const packages = await registerInstalledStores();
  const report = await runDoctor(await environment(values), packages);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
  return report.ok ? 0 : 1;
}

async function commandMigrate(values: Values): Promise<number> {
  await registerInstalledStores();
  const { explanation, store } = await openStore(await environment(values));
  try {
    console.error(formatExplanation(explanation));
    if (!store.migrate) {
      console.log(`${store.kind}: no migration step (${store.kind === 'memory' ? 'memory has no schema' : 'the schema is managed by the store itself'})`);
      return 0;
    }
    const report = await store.migrate({ dryRun: values['dry-run'] });
    if (values['dry-run']) {
      console.log(report.steps.length ? report.steps.map((s) => `-- ${s.version} ${s.name}\n${s.sql}`).join('\n\n') : `-- schema is at version ${report.from}: nothing to apply`);
    } else {
      console.log(report.steps.length ? `migrated ${store.kind} schema from version ${report.from} to ${report.to}: ${report.steps.map((s) => `${s.version} ${s.name}`).join(', ')}` : `${store.kind} schema already at version ${report.to}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

async function commandExport(values: Values): Promise<number> {
  await registerInstalledStores();
  const chosen = selection(values);
  const { store } = await openStore(await environment(values));
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  try {
    const write = async (line: string): Promise<void> => {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    };
    const counts = await exportConversations(store, chosen, write);
    console.error(`exported ${counts.conversations} conversations of ${counts.users} users`);
    return 0;
  } finally {
    if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await store.close();
  }
}

async function commandImport(file: string | undefined, values: Values): Promise<number> {
  if (!file) throw new Error('import needs the export FILE');
  await registerInstalledStores();
  const { store } = await openStore(await environment(values));
  const progress = createProgress();
  try {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let count = 0;
    const result = await importConversations(store, lines, (r) => {
      count += 1;
      if (count % 100 === 0) progress.update(`imported ${r.copied}, skipped ${r.skipped}, conflicts ${r.conflicts.length}`);
    });
    progress.end();
    console.log(summary(result));
    return exitFor(result);
  } finally {
    await store.close();
  }
}

async function commandCopy(values: Values): Promise<number> {
  const [fromFile, toFile] = [values['from-env'], values['to-env']];
  if (!fromFile || !toFile) throw new Error('copy needs --from-env A.env and --to-env B.env');
  const chosen = selection(values);
  await registerInstalledStores();
  const base = { NODE_ENV: process.env.NODE_ENV };
  const from = await openStore({ ...base, ...(await readEnvFile(fromFile)) });
  const to = await openStore({ ...base, ...(await readEnvFile(toFile)) });
  const stateFile = values.state ?? '.agent-conversations-copy.json';
  if (values.restart) await rm(stateFile, { force: true });
  const progress = createProgress();
  try {
    const total = 'userIds' in chosen ? chosen.userIds.length : undefined;
    const result = await copyConversations({
      from: from.store,
      to: to.store,
      selection: chosen,
      checkpoint: {
        load: async () => JSON.parse(await readFile(stateFile, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? 'null' : Promise.reject(e)))) as CopyCheckpoint | null,
        save: (checkpoint) => writeFile(stateFile, JSON.stringify(checkpoint)),
      },
      onUser: (userId, r) => progress.update(`${userId}: copied ${r.copied}, skipped ${r.skipped}, failed ${r.failed}`, r.users, total),
    });
    progress.end();
    console.log(`copy ${from.store.kind} -> ${to.store.kind}: ${summary(result)}`);
    for (const m of result.mismatches) console.log(`  count check FAILED for ${m.userId}: ${m.source} in the source, ${m.destination} in the destination`);
    if (result.mismatches.length === 0) console.log(`count check: every copied user has at least as many conversations in the destination as in the source`);
    const code = exitFor(result);
    if (code === 0) await rm(stateFile, { force: true });
    return code;
  } finally {
    await Promise.all([from.store.close(), to.store.close()]);
  }
}

/** Runs the CLI with the given arguments and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, ...rest] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'doctor': return await commandDoctor(values);
      case 'migrate': return await commandMigrate(values);
      case 'export': return await commandExport(values);
      case 'import': return await commandImport(rest[0], values);
      case 'copy': return await commandCopy(values);
      default:
        console.error(`unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    console.error(isConversationStoreError(error) ? `${error.code}: ${error.message}` : `error: ${redact((error as Error).message)}`);
    return 1;
  }
}
