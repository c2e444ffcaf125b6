// The strict consumer compile of the packaging check: a TypeScript app with `strict` and `skipLibCheck: false`
// imports every entry of the installed tarballs from an ESM file and from a CJS file under `module: nodenext`,
// so every shipped .d.ts and .d.cts and every type it imports from a dependency must resolve and check. Used by
// pack-check.mjs for the npm and the pnpm install.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * What a typed consumer installs beside the packages: `ai` (ai-sdk's peer), `@types/node` (a Node app has it;
 * the types of @clickhouse/client and of `ai` import Node modules), `@types/json-schema` (ai's own types import
 * `json-schema`, which ships none) and `@cloudflare/workers-types` (what a Worker project compiles against).
 */
export const TYPE_CONSUMER_PACKAGES = [
  'ai@6',
  '@types/node@^20.19.0',
  '@types/json-schema@^7.0.15',
  '@cloudflare/workers-types@4.20260426.1',
];

/**
 * The consumers to compile. An app (Node or browser: DOM lib, @types/node through the packages that need it)
 * imports every entry but the Durable Object class; a Worker (only @cloudflare/workers-types, no DOM, no Node)
 * imports the Cloudflare and AgentState entries, as `wrangler types` or @cloudflare/workers-types give a Worker project.
 */
export function consumers(entries) {
  const worker = entries.filter(
    (e) => e === '@agent-conversations/core' || /^@agent-conversations\/store-(cloudflare|agentstate)(\/|$)/.test(e),
  );
  return [
    {
      name: 'app',
      entries: entries.filter((e) => !e.endsWith('/durable-object')),
      compilerOptions: { lib: ['ES2022', 'DOM'] },
    },
    { name: 'worker', entries: worker, compilerOptions: { lib: ['ES2022'], types: ['@cloudflare/workers-types'] } },
  ];
}

/** The consumer's source: a namespace import of every entry, all of them used, plus a typed round trip through core. */
function source(entries) {
  const imports = entries.map((e, i) => `import * as m${i} from ${JSON.stringify(e)};`);
  const typed = entries.includes('@agent-conversations/core')
    ? `import { createMemoryStore, type ConversationStore } from '@agent-conversations/core';\nexport const store: ConversationStore = createMemoryStore();\n`
    : '';
  return `${imports.join('\n')}\n${typed}export const modules: readonly object[] = [${entries.map((_, i) => `m${i}`).join(', ')}];\n`;
}

/**
 * Compiles each consumer in `project` (whose node_modules has the packages): one program per consumer holding an
 * ESM file (`index.mts`, in a `"type": "module"` folder) and a CJS file (`index.cts`), so under `module: nodenext`
 * the first resolves every entry's `import` types (.d.ts) and the second its `require` types (.d.cts), while the
 * libraries they share are read and checked once. Returns the failures as `{ label, output }`.
 */
export function checkConsumerTypes(project, entries, installer) {
  const failures = [];
  for (const consumer of consumers(entries)) {
    const dir = join(project, `types-${consumer.name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: `consumer-${consumer.name}`, private: true, type: 'module' }),
    );
    writeFileSync(join(dir, 'index.mts'), source(consumer.entries));
    writeFileSync(join(dir, 'index.cts'), source(consumer.entries));
    const compilerOptions = {
      strict: true,
      skipLibCheck: false,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'ES2022',
      noEmit: true,
      ...consumer.compilerOptions,
    };
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, files: ['index.mts', 'index.cts'] }, null, 2),
    );
    const started = Date.now();
    const run = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
    const label = `${installer}: strict consumer (${consumer.name}: ESM and CJS, skipLibCheck false) of ${consumer.entries.length} entries`;
    if (run.status === 0) console.log(`ok   ${label} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    else failures.push({ label, output: `${run.stdout}${run.stderr}`.trim() });
  }
  return failures;
}
