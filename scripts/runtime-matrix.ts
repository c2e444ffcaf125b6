// The runtime matrix (.ci/run; locally: `npx tsx scripts/runtime-matrix.ts [--lanes=N] [id...]`, ids from
// scripts/runtimes.mjs, default every runtime but node22, whose full suite is CI's fresh-machine run; --lanes=2 runs
// two runtimes at a time). On each runtime, that runtime runs
// vitest itself (its workers, and the CLIs the tests spawn, are the same binary) for core, conformance (the suite on
// memory), store-postgres (the suite on a real PostgreSQL) and the CLI, then the quick start on memory and on Postgres.
// Needs the packages built (CI's earlier steps did). Prints a table of every step and exits 1 when one failed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPgServer } from '@agent-conversations/pg-test-server';
import { RUNTIMES, install, runtime, type Runtime } from './runtimes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));

/** A package's tests on one runtime: `exclude` (files left to the full suite), extra vitest `args` and `env`. */
interface MatrixPackage {
  name: string;
  dir: string;
  exclude: string[];
  args?: string[];
  env?: Record<string, string>;
}

/** What runs on every runtime. `exclude`: test files left to the full suite, each with its reason in the README. */
const PACKAGES: MatrixPackage[] = [
  { name: 'core', dir: 'packages/core', exclude: [] },
  // third-party.test.ts: 50 model cases of the file fixture through the CLI, ~100 s of CPU per runtime; cli.test.ts
  // already runs the conformance CLI on each runtime, and the fixture's proof is the fixture's, not the runtime's.
  { name: 'conformance', dir: 'packages/conformance', exclude: ['test/third-party.test.ts'] },
  // store-postgres: its `node` project only, with 50 model cases per check. Its `workers` project runs the store inside
  // workerd, whatever runs vitest; neon.test.ts and drizzle.test.ts prove a driver and a neighbour, not the runtime; and
  // the full 200 model cases run in CI's Node 22 suite.
  {
    name: 'store-postgres',
    dir: 'packages/store-postgres',
    exclude: ['test/neon.test.ts', 'test/drizzle.test.ts'],
    args: ['--project', 'node'],
    env: { CONFORMANCE_RUNS: '50' },
  },
  { name: 'cli', dir: 'packages/cli', exclude: [] },
];

interface Step {
  runtime: string;
  name: string;
  ok: boolean;
  seconds: number;
  detail: string;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; echo: boolean },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => resolve({ code: -1, output: `${output}\n${error.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const vitestCounts = (output: string) =>
  /\bTests\s+(.*\(\d+\))\s*$/m.exec(plain(output))?.[1]?.trim() ?? 'no test count';

async function runOn(rt: Runtime, databaseUrl: string): Promise<Step[]> {
  const bin = install(rt);
  const steps: Step[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1' };
  delete env.DATABASE_URL; // each store-postgres run starts its own throwaway server
  const version = (await run(bin, ['--version'], { cwd: root, env, echo: false })).output.trim().split('\n')[0];
  for (const pkg of PACKAGES) {
    const started = Date.now();
    const args = [...rt.run, vitest, 'run', ...(pkg.args ?? []), ...pkg.exclude.flatMap((file) => ['--exclude', file])];
    const result = await run(bin, args, { cwd: `${root}/${pkg.dir}`, env: { ...env, ...pkg.env }, echo: false });
    // One block per step, printed when it ends, so two lanes never interleave their lines.
    console.log(`\n--- ${rt.label} (${version}): ${pkg.name}\n${plain(result.output).trimEnd()}`);
    steps.push({
      runtime: rt.id,
      name: pkg.name,
      ok: result.code === 0,
      seconds: (Date.now() - started) / 1000,
      detail: vitestCounts(result.output),
    });
  }
  // The quick start as a user runs it: memory when nothing is configured, Postgres from DATABASE_URL.
  for (const [store, extra] of [
    ['memory', {}],
    ['postgres', { DATABASE_URL: databaseUrl }],
  ] as const) {
    const started = Date.now();
    const result = await run(bin, [...rt.run, 'scripts/quickstart.mjs'], {
      cwd: root,
      env: { ...env, ...extra },
      echo: false,
    });
    const text = plain(result.output);
    const ok =
      result.code === 0 &&
      new RegExp(`^saved .* on ${store}$`, 'm').test(text) &&
      /^deleted\s+true; get afterwards -> null$/m.test(text);
    console.log(`\n--- ${rt.label} (${version}): quick start on ${store}\n${text.trimEnd()}`);
    steps.push({
      runtime: rt.id,
      name: `quick start (${store})`,
      ok,
      seconds: (Date.now() - started) / 1000,
      detail: ok ? `round trip on ${store}` : `exit ${result.code}`,
    });
  }
  return steps;
}

const args = process.argv.slice(2);
const lanesArg = args.find((a) => a.startsWith('--lanes='));
const lanes = lanesArg ? Number(lanesArg.slice('--lanes='.length)) : 1;
if (!Number.isInteger(lanes) || lanes < 1) throw new Error(`--lanes takes a whole number, got "${lanesArg}"`);
const ids = args.filter((a) => a !== lanesArg);
const selected = ids.length ? ids.map(runtime) : RUNTIMES.filter((r) => r.id !== 'node22');
for (const rt of selected) install(rt); // every install first, so a registry failure shows before any test runs
// The system binaries store-postgres's tests use (PgBouncer), found or installed as `npm test`'s pretest does.
const ensured = await run(process.execPath, ['--import', 'tsx', 'tools/test-binaries/src/ensure.ts'], {
  cwd: root,
  env: process.env,
  echo: true,
});
if (ensured.code !== 0) process.exit(1);
const pg = await startPgServer();
const steps: Step[] = [];
try {
  // `lanes` runtimes at a time (CI: 2, one per core).
  const queue = [...selected];
  const lane = async () => {
    for (let rt = queue.shift(); rt; rt = queue.shift()) steps.push(...(await runOn(rt, pg.url)));
  };
  await Promise.all(Array.from({ length: Math.min(lanes, selected.length) }, lane));
} finally {
  await pg.destroy();
}
steps.sort((a, b) => selected.findIndex((r) => r.id === a.runtime) - selected.findIndex((r) => r.id === b.runtime));

console.log('\nruntime matrix');
for (const s of steps)
  console.log(
    `  ${s.ok ? 'ok  ' : 'FAIL'}  ${s.runtime.padEnd(7)} ${s.name.padEnd(20)} ${s.seconds.toFixed(0).padStart(4)} s  ${s.detail}`,
  );
const failed = steps.filter((s) => !s.ok);
console.log(
  failed.length
    ? `runtime matrix: ${failed.length} of ${steps.length} steps failed`
    : `runtime matrix: all ${steps.length} steps green`,
);
process.exitCode = failed.length ? 1 : 0;
