import { defineConfig } from 'tsup';

const external = ['vitest', '@agent-conversations/core'];

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'es2022',
    external,
    esbuildPlugins: [
      {
        // vitest cannot be require()d: the CommonJS build gets a runConformanceSuite that says so; everything else is the same.
        name: 'cjs-suite',
        setup(build) {
          if (build.initialOptions.format !== 'cjs') return;
          build.onResolve({ filter: /^\.\/suite\.js$/ }, (args) => ({ path: `${args.resolveDir}/suite-cjs.ts` }));
        },
      },
    ],
  },
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    external,
  },
]);
