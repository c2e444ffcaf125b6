import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// What a CommonJS project (mocha, jest, a plain script) does: require the package and run the checks without vitest.
const script = `
const { runChecks, buildReport, runConformanceSuite } = require('@agent-conversations/conformance');
const { createMemoryStore } = require('@agent-conversations/core');
runChecks({ name: 'memory from CommonJS', createStore: () => createMemoryStore() }).then((results) => {
  const report = buildReport('memory from CommonJS', results);
  let refused = '';
  try { runConformanceSuite({}); } catch (error) { refused = error.message; }
  console.log(JSON.stringify({ ok: report.ok, counts: report.counts, refused }));
});
`;

describe('the CommonJS build', () => {
  it('loads with require() and runs every check without vitest; runConformanceSuite says to use ESM', () => {
    const result = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as {
      ok: boolean;
      counts: { failed: number; passed: number };
      refused: string;
    };
    expect(out.ok).toBe(true);
    expect(out.counts.failed).toBe(0);
    expect(out.counts.passed).toBeGreaterThan(50);
    expect(out.refused).toContain('vitest is ESM-only');
  });
});
