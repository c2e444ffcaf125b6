import type { ConformanceOptions } from './types.js';

/**
 * The CommonJS build's stand-in for runConformanceSuite: vitest cannot be loaded with require(), so test files
 * (which vitest runs as ESM) get the ESM build. From CommonJS, runChecks() runs the same checks without vitest.
 */
export function runConformanceSuite(_options: ConformanceOptions): void {
  throw new Error(
    'runConformanceSuite registers vitest tests and vitest is ESM-only: import @agent-conversations/conformance from an ESM test file, or call runChecks() from CommonJS',
  );
}
