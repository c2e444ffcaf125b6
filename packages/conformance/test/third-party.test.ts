import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, modelSettings, type ConformanceReport } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// A third-party adapter (kind "file") that lives outside packages/, with an inspector that reads its file directly.
const fixture = fileURLToPath(new URL('../../../tools/store-file-fixture/conformance.mjs', import.meta.url));

describe('a third-party adapter', () => {
  it('passes the whole suite under --strict: every check, the direct reads and the cross-instance race included', () => {
    const result = spawnSync(process.execPath, [cli, fixture, '--strict', '--json'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CONFORMANCE_RUNS: String(Math.ceil(modelSettings().runs / 4)) },
      timeout: 600_000,
    });
    // A quarter of the model cases (50 of the 200 the repo's own stores run; a file write costs ~1 ms): this proves a
    // third-party adapter passes every check, in CI time.
    const report = JSON.parse(result.stdout) as ConformanceReport;
    expect(report.checks.filter((c) => c.status !== 'passed')).toEqual([]);
    // With an inspector, the direct reads run inside their checks instead of being reported as skipped entries.
    expect(report.counts).toEqual({
      passed: ALL_CHECKS.length,
      failed: 0,
      skipped: 0,
      weakened: 0,
      total: ALL_CHECKS.length,
    });
    expect(report.checks.find((c) => c.id === 'surface.kind-persistent')?.status).toBe('passed');
    expect(result.status).toBe(0);
  }, 600_000);
});
