import { defineConfig } from 'vitest/config';

// The commands spawn wrangler: no metrics, no Cloudflare request.cf fetch.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

export default defineConfig({
  test: {
    name: 'node',
    include: ['test-node/**/*.test.ts'],
    environment: 'node',
    // The files share no state; sharing modules saves loading wrangler's config reader more than once.
    isolate: false,
    testTimeout: 120_000,
  },
});
