import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/register.ts', 'src/durable-object.ts', 'src/durable-object-stub.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // The two builds run at once: this one cleans everything but the other's output.
    clean: ['!cli.js', '!cli.js.map'],
    sourcemap: true,
    target: 'es2022',
    external: ['cloudflare:workers'],
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
