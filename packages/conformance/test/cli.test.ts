import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, type ConformanceReport } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const storageChecks = ALL_CHECKS.filter((c) => c.storage).length;
// The fixture gives no io hook: model.interleavings is skipped with its reason.
const skips = storageChecks + 1;
const ran = ALL_CHECKS.length - 1;

function run(...args: string[]): { status: number | null; stdout: string; output: string } {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}\n${result.stderr}` };
}

describe('the conformance CLI', () => {
  it('runs the whole suite with a second instance from the same factory, ends with the summary, exits 0 when nothing fails', () => {
    const { status, output } = run('test/fixtures/memory-adapter.ts');
    // The fixture gives no inspect: every direct read is a skipped entry; everything else runs, the cross-instance race included.
    expect(output).toMatch(
      new RegExp(`Tests\\s+${ran} passed \\| ${skips} skipped \\(${ALL_CHECKS.length + storageChecks}\\)`),
    );
    const summary = output.slice(output.lastIndexOf('conformance summary'));
    expect(summary).toContain(`${ran} passed, 0 failed, ${skips} skipped, 0 weakened`);
    expect(summary).toContain('skipped  model.interleavings: the adapter gives no I/O hook');
    expect(summary).toContain('skipped  crud.create-get#storage: no inspect given');
    expect(summary).toContain('not strict: run with --strict');
    expect(status).toBe(0);
  });

  it('--strict exits 1 on the same run because checks were skipped, and says so', () => {
    const { status, output } = run('test/fixtures/memory-adapter.ts', '--strict');
    expect(output).toContain('[strict] every check ran in full');
    expect(output).toContain(`strict: FAILED, ${skips} checks skipped or weakened`);
    expect(status).toBe(1);
  });

  it('--json prints the report alone on stdout; --no-peer reports the race as skipped', () => {
    const { status, stdout } = run('test/fixtures/memory-adapter.ts', '--json', '--no-peer');
    const report = JSON.parse(stdout) as ConformanceReport;
    expect(report.counts).toEqual({
      passed: ran - 2,
      failed: 0,
      skipped: skips + 1,
      weakened: 1,
      total: ALL_CHECKS.length + storageChecks,
    });
    expect(report.checks.find((c) => c.id === 'concurrency.two-instance-race')).toEqual({
      id: 'concurrency.two-instance-race',
      concern: 'concurrency',
      name: 'concurrent appends from two store instances over one backend all land',
      status: 'skipped',
      reason: 'the adapter gives no second instance (createPeerStore)',
    });
    expect(report.ok).toBe(true);
    expect(status).toBe(0);
  });

  it('exits non-zero for a broken adapter, naming the check, its promise and the values; --json=FILE writes the report', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'conformance-')), 'report.json');
    const { status, output } = run('test/fixtures/broken-adapter.ts', '--name', 'broken', `--json=${file}`);
    expect(status).toBe(1);
    expect(output).toContain(
      '[list.order] broken promise: lists newest first (updatedAt desc, then id desc) without messages',
    );
    expect(output).toMatch(/expected "conv-[^"]+" to be "conv-/);
    expect(output).toMatch(/failed\s+list\.order: lists newest first/);
    const report = JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport;
    expect(report).toMatchObject({ name: 'broken', ok: false });
    expect(report.checks.find((c) => c.id === 'list.order')).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('broken promise'),
    });
  });

  it('runs the model-based checks on an adapter file: a failure prints the shrunk sequence, its seed and path, and --seed/--path replay it', () => {
    const { status, output } = run('test/fixtures/broken-model-adapter.ts', '--runs', '300');
    expect(status).toBe(1);
    expect(output).toMatch(/failed\s+model\.sequences: random sequences/);
    expect(output).toContain('the sequence:');
    const [, seed, path] = /seed (\d+), path "(model\.[a-z]+@[\d:]+)"/.exec(output)!;
    const again = run('test/fixtures/broken-model-adapter.ts', '--seed', seed!, '--path', path!, '--json');
    expect(again.stdout, again.output).toMatch(/^\{/); // the report alone; on failure, show what the run printed
    const report = JSON.parse(again.stdout) as ConformanceReport;
    expect(report.checks.find((c) => c.id === 'model.sequences')).toMatchObject({
      status: 'failed',
      message: expect.stringContaining(`seed ${seed}, path "${path}"`),
    });
  });

  it('two runs at once in one folder each finish with their own report and remove only their own files', async () => {
    const start = () => {
      const child = spawn(
        process.execPath,
        [cli, 'test/fixtures/memory-adapter.ts', '--json', '--no-peer', '--runs', '5'],
        { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.resume();
      return new Promise<{ pid: number; status: number | null; stdout: string }>((done) =>
        child.on('close', (status) => done({ pid: child.pid!, status, stdout })),
      );
    };
    for (const result of await Promise.all([start(), start()])) {
      expect((JSON.parse(result.stdout) as ConformanceReport).ok).toBe(true);
      expect(result.status).toBe(0);
      expect(existsSync(join(root, '.agent-conversations-conformance', `run-${result.pid}`))).toBe(false);
    }
  }, 240_000);

  it('prints usage without an argument and refuses an unknown option', () => {
    expect(run()).toMatchObject({
      status: 2,
      output: expect.stringContaining('Usage: agent-conversations-conformance <adapter-module>'),
    });
    expect(run('x.ts', '--strcit')).toMatchObject({
      status: 1,
      output: expect.stringContaining('unknown option --strcit'),
    });
    expect(run('x.ts', '--runs', 'many')).toMatchObject({
      status: 1,
      output: expect.stringContaining('--runs takes a whole number'),
    });
  });
});
