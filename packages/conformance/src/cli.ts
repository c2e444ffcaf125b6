import { mkdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { startVitest } from 'vitest/node';

const USAGE = `Usage: agent-conversations-conformance <adapter-module> [--name NAME]

Runs the @agent-conversations conformance suite (vitest) against an adapter.
The module's default export (or its named export "conformance") is either the
suite options { name, createStore, createPeerStore?, inspect?, capabilities?, setup?, teardown? }
or a function returning a ConversationStore.`;

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('-'));
  if (!file || argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return file ? 0 : 2;
  }
  const nameIndex = argv.indexOf('--name');
  const name = nameIndex >= 0 ? argv[nameIndex + 1] : undefined;
  const root = process.cwd();
  const target = isAbsolute(file) ? file : resolve(root, file);
  const dir = resolve(root, '.agent-conversations-conformance');
  const testFile = resolve(dir, `run-${process.pid}.test.ts`);
  const importPath = relative(dir, target).split('\\').join('/');
  await mkdir(dir, { recursive: true });
  await writeFile(
    testFile,
    `import { runConformanceSuite } from '@agent-conversations/conformance';
import * as mod from ${JSON.stringify(importPath.startsWith('.') ? importPath : `./${importPath}`)};
const exported = (mod as Record<string, unknown>).conformance ?? (mod as Record<string, unknown>).default;
if (!exported) throw new Error('the adapter module must export default (or "conformance") suite options or a store factory');
const options = typeof exported === 'function' ? { name: ${JSON.stringify(name ?? file)}, createStore: exported } : exported;
runConformanceSuite(${name ? `{ ...options, name: ${JSON.stringify(name)} }` : 'options'} as never);
`,
  );
  try {
    const vitest = await startVitest('test', [], { run: true, watch: false, root, include: [relative(root, testFile)], passWithNoTests: false });
    await vitest.close();
    return process.exitCode === undefined || process.exitCode === 0 ? 0 : Number(process.exitCode);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
