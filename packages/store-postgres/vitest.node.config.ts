import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'node',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/no-deprecations.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
