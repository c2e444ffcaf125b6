import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Nothing may call out: no wrangler metrics, no Cloudflare request.cf fetch.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// miniflare's local Hyperdrive relay pipes workerd's socket to Postgres without an 'error' listener
// (cloudflare/workers-sdk#15768), so a socket workerd resets (a request's I/O context ending) crashes this process with
// ECONNRESET or EPIPE. Until that is fixed upstream such a reset is reported, not fatal; any other uncaught error still is.
process.on('uncaughtException', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  console.warn(`miniflare's Hyperdrive relay: a socket closed with ${error.code} (cloudflare/workers-sdk#15768)`);
});

// The store in workerd with nodejs_compat, against the run's PostgreSQL: through a Hyperdrive binding (miniflare's local
// Hyperdrive relays the TCP stream to its connection string) and through a plain connection string.
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: here('./test-workers/worker.ts'),
      wrangler: { configPath: here('./test-workers/wrangler.jsonc') },
      miniflare: {
        hyperdrives: { HYPERDRIVE: inject('pgWorkersUrl') },
        bindings: {
          DATABASE_URL: inject('pgWorkersUrl'),
          // workerd has no process.env: the model-based checks read CI and CONFORMANCE_* from these bindings.
          ...Object.fromEntries(
            ['CI', 'CONFORMANCE_RUNS', 'CONFORMANCE_SEED', 'CONFORMANCE_PATH'].map((k) => [k, process.env[k] ?? '']),
          ),
        },
      },
    })),
  ],
  test: {
    name: 'workers',
    include: ['test-workers/**/*.test.ts'],
    // The runner loads pg's CommonJS files one by one and hands its require('pg-protocol') the ESM entry (cloudflare/workers-sdk
    // #12984): pre-bundle pg instead, as wrangler's bundler does for a deployed Worker, keeping Node's built-ins external.
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: ['pg'],
          rolldownOptions: { external: [...builtinModules, /^node:/, /^cloudflare:/] },
        },
      },
    },
    testTimeout: 60_000,
  },
});
