// What npm run bench and npm run bench:window share: the median, and the local Worker they measure inside.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The middle value (the upper one of an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Starts bench/worker.ts in wrangler's local runtime (workerd) on a fresh local store, runs `use(worker)`, then stops the
 * Worker and removes the store, also when `use` throws. */
export async function withLocalWorker(use) {
  process.env.WRANGLER_SEND_METRICS = 'false';
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  const { unstable_startWorker } = await import('wrangler');
  const persist = mkdtempSync(join(tmpdir(), 'cf-bench-'));
  try {
    const worker = await unstable_startWorker({
      config: fileURLToPath(new URL('./wrangler.jsonc', import.meta.url)),
      dev: {
        remote: false,
        persist,
        inspector: false,
        logLevel: 'warn',
        watch: false,
        server: { hostname: '127.0.0.1', port: 0 },
      },
    });
    try {
      await worker.ready;
      return await use(worker);
    } finally {
      await worker.dispose();
    }
  } finally {
    rmSync(persist, { recursive: true, force: true });
  }
}
