import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { startVitest } from 'vitest/node';
import { formatSummary, type ConformanceReport } from './report.js';

const USAGE = `Usage: agent-conversations-conformance <adapter-module> [--name NAME] [--strict] [--json[=FILE]] [--no-peer]
       [--runs N] [--seed N] [--path PATH]

Runs the @agent-conversations conformance suite (vitest) against an adapter and ends
with a summary naming every skipped, weakened or failed check with its reason.
The module's default export (or its named export "conformance") is either the
suite options { name, createStore, createPeerStore?, inspect?, capabilities?, setup?, teardown? }
or a function returning a ConversationStore. Options with io: { createStore(gate) } also run
model.interleavings (each storage call awaits gate(label) first).

  --strict      exit 1 when any check is skipped or weakened, not only when one fails
  --json        print the report (counts, and per check its id, status and reason) as JSON
                on stdout instead of vitest's output; --json=FILE writes it to FILE
  --no-peer     do not build a second instance from the factory (the cross-instance
                race is then skipped); by default createPeerStore is createStore
  --runs N      cases per model-based check (default CONFORMANCE_RUNS, else 200)
  --seed N      seed of the model-based checks (default CONFORMANCE_SEED, fixed under CI, else random)
  --path PATH   with --seed: replay exactly the shrunk case a failure printed`;

interface Args {
  file: string | undefined;
  name: string | undefined;
  strict: boolean;
  json: string | null;
  peer: boolean;
  help: boolean;
  model: { runs?: number; seed?: number; path?: string };
}

function parse(argv: string[]): Args {
  const args: Args = {
    file: undefined,
    name: undefined,
    strict: false,
    json: null,
    peer: true,
    help: false,
    model: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--strict') args.strict = true;
    else if (a === '--no-peer') args.peer = false;
    else if (a === '--json') args.json = '-';
    else if (a.startsWith('--json=')) args.json = a.slice('--json='.length);
    else if (a === '--name') args.name = argv[++i];
    else if (a === '--runs' || a === '--seed') {
      const value = argv[++i] ?? '';
      if (!/^\d+$/.test(value)) throw new Error(`${a} takes a whole number, got "${value}"\n\n${USAGE}`);
      args.model[a === '--runs' ? 'runs' : 'seed'] = Number(value);
    } else if (a === '--path') args.model.path = argv[++i];
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n\n${USAGE}`);
    else args.file = a;
  }
  return args;
}

function testSource(importPath: string, args: Args, reportFile: string): string {
  const name = JSON.stringify(args.name ?? args.file);
  return `import { writeFileSync } from 'node:fs';
import { runConformanceSuite } from '@agent-conversations/conformance';
import * as mod from ${JSON.stringify(importPath.startsWith('.') ? importPath : `./${importPath}`)};
const exported = (mod as Record<string, unknown>).conformance ?? (mod as Record<string, unknown>).default;
if (!exported) throw new Error('the adapter module must export default (or "conformance") suite options or a store factory');
const given = (typeof exported === 'function' ? { name: ${name}, createStore: exported } : exported) as Record<string, unknown>;
const options = { ...given${args.name ? `, name: ${name}` : ''} };
${args.peer ? 'options.createPeerStore ??= options.createStore;' : 'delete options.createPeerStore;'}
runConformanceSuite({ ...options, model: { ...(options.model as object), ...${JSON.stringify(args.model)} }, strict: ${args.strict}, quiet: true, onReport: (report: unknown) => writeFileSync(${JSON.stringify(reportFile)}, JSON.stringify(report)) } as never);
`;
}

/** Creates this run's folder. Another run removes the shared parent when it leaves it empty, which can happen between
 * `mkdir -p` creating the parent and our folder in it (ENOENT): then create both again. Once ours exists, the parent
 * is not empty and stays. */
async function makeRunDir(dir: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(dir, { recursive: true });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 5) throw error;
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (!args.file || args.help) {
    console.log(USAGE);
    return args.file ? 0 : 2;
  }
  const root = process.cwd();
  const target = isAbsolute(args.file) ? args.file : resolve(root, args.file);
  // One folder per run, so runs at once in one folder (vitest workers, a CI matrix) never delete each other's files.
  const base = resolve(root, '.agent-conversations-conformance');
  const dir = resolve(base, `run-${process.pid}`);
  const testFile = resolve(dir, 'run.test.ts');
  const reportFile = resolve(dir, 'report.json');
  await makeRunDir(dir);
  await writeFile(testFile, testSource(relative(dir, target).split('\\').join('/'), args, reportFile));
  try {
    const silent = args.json === '-';
    const vitest = await startVitest('test', [], {
      run: true,
      watch: false,
      root,
      include: [relative(root, testFile)],
      passWithNoTests: false,
      ...(silent ? { reporters: [{}] } : {}),
    });
    await vitest.close();
    const vitestCode = process.exitCode === undefined || process.exitCode === 0 ? 0 : Number(process.exitCode);
    const report = JSON.parse(await readFile(reportFile, 'utf8').catch(() => 'null')) as ConformanceReport | null;
    if (!report) {
      console.error('the suite did not finish: no report was written (see the errors above)');
      return vitestCode || 1;
    }
    (silent ? console.error : console.log)(`\n${formatSummary(report)}`);
    if (args.json === '-') console.log(JSON.stringify(report, null, 2));
    else if (args.json) await writeFile(resolve(root, args.json), `${JSON.stringify(report, null, 2)}\n`);
    return report.ok && vitestCode === 0 ? 0 : 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
    // The shared parent goes with the last run out; another run still inside keeps it.
    await rmdir(base).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'ENOENT') throw error;
    });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
