import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('the conformance CLI', () => {
  it('runs the whole suite against an adapter module and exits 0 when it passes', () => {
    const { status, output } = run('test/fixtures/memory-adapter.ts');
    // Every check runs except the two-instance race (the fixture gives no second instance).
    expect(output).toMatch(new RegExp(`Tests\\s+${ALL_CHECKS.length - 1} passed \\| 1 skipped \\(${ALL_CHECKS.length}\\)`));
    expect(status).toBe(0);
  });

  it('exits non-zero and names the failing checks for a broken adapter', () => {
    const { status, output } = run('test/fixtures/broken-adapter.ts', '--name', 'broken');
    expect(status).not.toBe(0);
    expect(output).toContain('lists newest first (updatedAt desc, then id desc) without messages');
    expect(output).toMatch(/\d+ failed/);
  });

  it('prints usage without an argument', () => {
    const { status, output } = run();
    expect(status).toBe(2);
    expect(output).toContain('Usage: agent-conversations-conformance <adapter-module>');
  });
});
