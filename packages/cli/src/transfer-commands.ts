import { createReadStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { ConversationStoreError } from '@agent-conversations/core';
import { sideOptions, selection, type Values } from './commands.js';
import { copyConversations, type CopyCheckpoint, type CopyResult } from './copy.js';
import { readLines } from './lines.js';
import { createProgress } from './progress.js';
import { loadSide, openStore, registerInstalledStores } from './stores.js';
import { countUsers, importConversations, validateExport, type ImportResult, type LineProblem } from './transfer.js';
import { UsageError } from './usage-error.js';

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    throw new ConversationStoreError(
      'VALIDATION',
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function problemLine(p: LineProblem): string {
  const what = p.userId === undefined ? '' : ` (${p.userId} / ${p.id})`;
  return `line ${p.line}: ${p.kind}${what}: ${p.reason}`;
}

/** The closing summary of an import: read, written, skipped, bad, and what the skipped ones were. */
export function importSummary(r: ImportResult): string {
  return [
    `import: read ${r.read}, written ${r.written}, skipped ${r.skipped}, bad ${r.bad}, failed ${r.failed}`,
    `  skipped: ${r.alreadyThere} already there, ${r.conflicts} conflicts (a different conversation with that id, left as it is), ${r.otherUsers} of other users`,
  ].join('\n');
}

export async function commandImport(file: string, values: Values): Promise<number> {
  const size = await fileSize(file);
  await registerInstalledStores(values.adapter);
  const side = await loadSide(values['env-file'], sideOptions(values));
  try {
    const { store } = await openStore(side, { allowMemory: values['allow-memory'], role: 'the import target' });
    const progress = createProgress('bytes');
    try {
      if (values.strict) {
        const problem = await validateExport(readLines(createReadStream(file, { encoding: 'utf8' })));
        if (problem) {
          console.error(problemLine(problem));
          console.error(`import --strict: nothing was written: line ${problem.line} of ${file} is bad`);
          return 1;
        }
        console.error(`import --strict: every line of ${file} is valid`);
      }
      const input = createReadStream(file, { encoding: 'utf8' });
      progress.start(size);
      const result = await importConversations(store, readLines(input), {
        users: values.user,
        onProblem: (p) => progress.log(problemLine(p)),
        onLine: (r) =>
          progress.update(
            input.bytesRead,
            `${r.written} written, ${r.skipped} skipped, ${r.bad + r.failed} bad or failed`,
          ),
      });
      progress.update(size, `${result.written} written`);
      progress.stop();
      console.log(importSummary(result));
      if (result.bad > 0 || result.failed > 0) return 1;
      return result.conflicts > 0 ? 3 : 0;
    } finally {
      progress.stop();
      await store.close();
    }
  } finally {
    await side.dispose();
  }
}

/** Writes a file so that a crash leaves either the old or the new content, never half of it. */
async function saveAtomically(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

function copySummary(from: string, to: string, r: CopyResult): string {
  const lines = [
    `copy ${from} -> ${to}: users ${r.users}, copied ${r.copied}, skipped ${r.skipped} (already there), conflicts ${r.conflicts.length}, failed ${r.failures.length}`,
  ];
  for (const c of r.conflicts) lines.push(`  conflict ${c.userId} / ${c.id}: ${c.reason}`);
  for (const f of r.failures) lines.push(`  failed ${f.userId} / ${f.id}: ${f.reason}`);
  for (const m of r.mismatches) lines.push(`  check FAILED ${m.userId} / ${m.id}: ${m.reason}`);
  lines.push(
    r.mismatches.length === 0
      ? `closing check: all ${r.checked} source conversations checked in this run are in the destination with the same id and version (updatedAt, message count)${r.conflicts.length + r.failures.length ? ', apart from the conflicts and failures above' : ''}`
      : `closing check: ${r.mismatches.length} of ${r.checked} source conversations are missing or differ in the destination`,
  );
  return lines.join('\n');
}

export async function commandCopy(values: Values): Promise<number> {
  const [fromFile, toFile] = [values['from-env'], values['to-env']];
  if (!fromFile || !toFile)
    throw new UsageError('copy needs --from-env A and --to-env B (env files or wrangler configs)');
  const chosen = selection(values);
  await registerInstalledStores(values.adapter);
  const base = { NODE_ENV: process.env.NODE_ENV };
  const from = await loadSide(fromFile, sideOptions(values, base));
  const to = await loadSide(toFile, sideOptions(values, base)).catch(async (error: unknown) => {
    await from.dispose();
    throw error;
  });
  const stateFile = values.state ?? '.agent-conversations-copy.json';
  const progress = createProgress('users');
  try {
    const source = await openStore(from, { allowMemory: values['allow-memory'], role: 'the copy source' });
    const target = await openStore(to, { allowMemory: values['allow-memory'], role: 'the copy destination' }).catch(
      async (error: unknown) => {
        await source.store.close();
        throw error;
      },
    );
    try {
      if (values.restart) await rm(stateFile, { force: true });
      const text = await readFile(stateFile, 'utf8').catch((e: NodeJS.ErrnoException) =>
        e.code === 'ENOENT' ? null : Promise.reject(e),
      );
      const saved = text === null ? null : (JSON.parse(text) as CopyCheckpoint);
      if (saved) {
        console.error(
          `resuming the copy from ${stateFile}: ${saved.users} users done${saved.lastUser ? ` (up to ${saved.lastUser})` : ''}, retrying ${saved.failures.length} conversations that failed before (--restart starts over)`,
        );
      }
      progress.start(await countUsers(source.store, chosen), saved?.users ?? 0);
      const result = await copyConversations({
        from: source.store,
        to: target.store,
        selection: chosen,
        checkpoint: {
          load: async () => saved,
          save: (checkpoint) => saveAtomically(stateFile, JSON.stringify(checkpoint)),
        },
        onUser: (userId, r) =>
          progress.update(r.users, `${userId}: copied ${r.copied}, skipped ${r.skipped}, failed ${r.failures.length}`),
      });
      progress.stop();
      console.log(copySummary(source.store.kind, target.store.kind, result));
      const code = result.failures.length > 0 || result.mismatches.length > 0 ? 1 : result.conflicts.length > 0 ? 3 : 0;
      if (code === 1 && result.failures.length > 0)
        console.log(
          `run the same command again to retry the ${result.failures.length} failed conversations (progress is in ${stateFile})`,
        );
      else if (code !== 1) await rm(stateFile, { force: true });
      return code;
    } finally {
      await Promise.all([source.store.close(), target.store.close()]);
    }
  } finally {
    progress.stop();
    await Promise.all([from.dispose(), to.dispose()]);
  }
}
