// Bundles the page script (src/client/main.ts and what it imports: core, store-browser, the AI SDK) into dist/app.js.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds dist/app.js for the browser. */
export async function buildPage(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/client/main.ts'],
    outfile: 'dist/app.js',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildPage();
  console.log('built examples/chat/dist/app.js');
}
