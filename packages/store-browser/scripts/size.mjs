// Prints the min+gzip size of core + store-browser as an app bundles them (tree-shaken, minified) and fails above the budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

const BUDGET = 6 * 1024;
const entry = "export { createBrowserStore, importLocalHistory } from '@agent-conversations/store-browser';";

async function measure(external) {
  const out = await build({
    stdin: { contents: entry, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    write: false,
    logLevel: 'error',
  });
  const code = out.outputFiles[0].contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const total = await measure([]);
const own = await measure(['@agent-conversations/core']);
console.log(
  `core + store-browser (createBrowserStore, importLocalHistory): ${kb(total.min)} min, ${kb(total.gzip)} min+gzip = ${total.gzip} bytes (budget ${kb(BUDGET)} = ${BUDGET} bytes)`,
);
console.log(`  of which store-browser alone (core external): ${kb(own.min)} min, ${kb(own.gzip)} min+gzip`);
if (total.gzip > BUDGET) {
  console.log(`over budget by ${total.gzip - BUDGET} bytes`);
  process.exit(1);
}
