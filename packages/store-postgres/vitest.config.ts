import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One throwaway PostgreSQL for both projects; the workerd tests reach it through a Hyperdrive binding.
    globalSetup: ['test/global-setup.ts'],
    projects: ['./vitest.node.config.ts', './vitest.workers.config.ts'],
  },
});
