import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Nothing may call out: no wrangler metrics, no Cloudflare request.cf fetch.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig(async () => ({
  // The example Worker imports the package by name; point it at the sources so tests need no build.
  resolve: {
    alias: {
      '@agent-conversations/store-cloudflare/durable-object': here('./src/durable-object.ts'),
      '@agent-conversations/store-cloudflare': here('./src/index.ts'),
    },
  },
  plugins: [
    cloudflareTest({
      main: here('./test/worker.ts'),
      wrangler: { configPath: here('./test/wrangler.jsonc') },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(here('./migrations')),
          // workerd has no process.env: the model-based checks read CI and CONFORMANCE_* from these bindings.
          ...Object.fromEntries(
            ['CI', 'CONFORMANCE_RUNS', 'CONFORMANCE_SEED', 'CONFORMANCE_PATH'].map((k) => [k, process.env[k] ?? '']),
          ),
        },
      },
    }),
  ],
  test: {
    name: 'workers',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
}));
