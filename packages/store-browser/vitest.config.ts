/// <reference types="node" />
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM, requireBinary } from '@agent-conversations/test-binaries';

export default defineConfig({
  test: {
    projects: [
      {
        // Node side: server-side behaviour, and playwright-core driving several real Chromium tabs.
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'chromium',
          include: ['test/browser/**/*.test.ts'],
          // The page has no process.env: the model-based checks read CI and CONFORMANCE_* from import.meta.env.
          env: Object.fromEntries(
            ['CI', 'CONFORMANCE_RUNS', 'CONFORMANCE_SEED', 'CONFORMANCE_PATH'].map((k) => [k, process.env[k] ?? '']),
          ),
          browser: {
            enabled: true,
            headless: true,
            api: { host: '127.0.0.1' },
            // Every test file shares one origin and so one localStorage: run them one after another.
            fileParallelism: false,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                // CHROMIUM_PATH, else Debian's Chromium or another usual path (missing: the one-line reason fails the run);
                // nothing downloaded; no sandbox as CI runs as root; no look-ups of outside hosts.
                executablePath: requireBinary(CHROMIUM),
                args: [
                  '--no-sandbox',
                  '--disable-gpu',
                  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
