#!/usr/bin/env node
// Packaging check, as a user installs: `npm pack` every publishable package, install the tarballs
// into a fresh project outside the workspace (core plus one package at a time), then import every
// export from ESM and require it from CJS, and run every bin the package declares. Then all tarballs
// together, with npm and with pnpm: a strict TypeScript consumer (skipLibCheck false) compiles against
// every entry as ESM and CJS, and under pnpm the quick start and Cloudflare `setup` run (pack-check-types.mjs,
// pack-check-pnpm.mjs; `--no-pnpm` skips pnpm). Then clone the repository, `npm ci` in the clone and prove its
// bins are linked and run, before and after the build (`--no-clone` skips that part). Exits non-zero when
// anything fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkPnpm } from './pack-check-pnpm.mjs';
import { checkConsumerTypes, TYPE_CONSUMER_PACKAGES } from './pack-check-types.mjs';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'acs-pack-'));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const only = process.argv.slice(2).filter((a) => !a.startsWith('--')); // optional package folder names; default: all
const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => only.length === 0 || only.includes(dir) || dir === 'core')
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter(({ pkg }) => !pkg.private);

// Beyond loading: a round trip through the installed package (`m` is its main entry).
const SMOKE = {
  '@agent-conversations/core': `const s = m.createMemoryStore(); await s.upsert({ id: 'c1', userId: 'u1', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }] }); const got = await s.get('u1', 'c1'); if (got.title !== 'hi') throw new Error('round trip failed');`,
  // saveChat and loadChat with the peer dependency ai installed from the registry, over core's memory store.
  '@agent-conversations/ai-sdk': `const s = (await import('@agent-conversations/core')).createMemoryStore(); const usage = { inputTokens: 3, outputTokens: 2, inputTokenDetails: {}, outputTokenDetails: {} }; await m.saveChat(s, { userId: 'u1', id: 'c1', expectedVersion: 0, messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }], usage, cost: () => 0.5 }); const chat = await m.loadChat(s, { userId: 'u1', id: 'c1', expectedVersion: 1 }); if (chat.messages[0].parts[0].text !== 'hi' || chat.meta.usage.costUsd !== 0.5) throw new Error('ai-sdk round trip failed');`,
};
// Peer dependencies a user installs beside the package, pinned to the major version the package supports.
const PEERS = { '@agent-conversations/ai-sdk': ['ai@6'] };

function fail(message) {
  console.error(`FAIL ${message}`);
  return 1;
}

/** Runs `node_modules/.bin/<name> --help` in `cwd`: ok when it prints its help (exit code below 3), no stack trace, no "not built". */
function runBin(cwd, name) {
  const result = spawnSync(join(cwd, 'node_modules', '.bin', name), ['--help'], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? result.error.message : ''}`.trim();
  return {
    ok:
      !result.error &&
      result.status !== null &&
      result.status < 3 &&
      /usage|<command>/i.test(output) &&
      !/not built|\n\s+at /.test(output),
    output,
    status: result.status,
  };
}

/** A fresh clone of HEAD: after `npm ci` every workspace bin is linked and runs (saying how to build), and after the build it works. */
function checkFreshClone() {
  const clone = join(work, 'clone');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, clone], { stdio: 'pipe' });
  console.log(`cloned HEAD into ${clone}; npm ci (offline when the cache has everything)...`);
  npm(['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], clone);
  const bins = readdirSync(join(clone, 'packages')).flatMap((dir) => {
    const pkg = JSON.parse(readFileSync(join(clone, 'packages', dir, 'package.json'), 'utf8'));
    return Object.keys(pkg.bin ?? {}).map((name) => ({ name, pkg: pkg.name }));
  });
  let failed = 0;
  for (const { name } of bins) {
    const before = spawnSync(join(clone, 'node_modules', '.bin', name), ['--help'], { cwd: clone, encoding: 'utf8' });
    const said = `${before.stdout ?? ''}${before.stderr ?? ''}${before.error ? before.error.message : ''}`;
    if (before.error || !/not built yet.*npm run build/.test(said))
      failed += fail(
        `fresh clone: ${name} after npm ci (before the build) should say how to build it, got: ${said.trim()}`,
      );
    else console.log(`ok   fresh clone: ${name} is linked after npm ci and says how to build before the build`);
  }
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  execFileSync(
    'npx',
    ['nx', 'run-many', '-t', 'build', '--outputStyle=static', '-p', ...new Set(bins.map((b) => b.pkg))],
    { cwd: clone, stdio: 'pipe', env },
  );
  for (const { name } of bins) {
    const run = runBin(clone, name);
    if (run.ok) console.log(`ok   fresh clone: ${name} --help runs after the build`);
    else failed += fail(`fresh clone: ${name} after the build: ${run.output}`);
  }
  return failed;
}

const tarballs = new Map();
for (const { dir, pkg } of packages) {
  const out = JSON.parse(npm(['pack', '--json', '--pack-destination', work], dir));
  tarballs.set(pkg.name, join(work, out[0].filename));
  console.log(`packed ${pkg.name}@${pkg.version} (${out[0].entryCount} files, ${out[0].size} bytes)`);
}

let failures = 0;
for (const { pkg } of packages) {
  const project = mkdtempSync(join(work, 'app-'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'pack-check-app', private: true, version: '1.0.0' }),
  );
  const install = [
    ...new Set([tarballs.get('@agent-conversations/core'), tarballs.get(pkg.name)]),
    ...(PEERS[pkg.name] ?? []),
  ];
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...install], project);
  const entries = Object.keys(pkg.exports)
    .filter((e) => e !== './package.json')
    .map((e) => (e === '.' ? pkg.name : `${pkg.name}/${e.slice(2)}`));
  const smoke = SMOKE[pkg.name] ?? '';
  const esm = entries
    .map(
      (e, i) =>
        `{ const m = await import(${JSON.stringify(e)}); if (${i} === 0 && Object.keys(m).length === 0) throw new Error('no exports: ${e}'); ${i === 0 ? smoke : ''} }`,
    )
    .join('\n');
  const cjs = entries
    .map(
      (e, i) =>
        `{ const m = require(${JSON.stringify(e)}); if (${i} === 0 && Object.keys(m).length === 0) throw new Error('no exports: ${e}'); }`,
    )
    .join('\n');
  writeFileSync(join(project, 'check.mjs'), `${esm}\nconsole.log('esm ok');\n`);
  writeFileSync(
    join(project, 'check.cjs'),
    `${cjs}\n(async () => { const m = require('@agent-conversations/core'); ${pkg.name === '@agent-conversations/core' ? smoke : ''} console.log('cjs ok'); })().catch((e) => { console.error(e); process.exit(1); });\n`,
  );
  for (const name of Object.keys(pkg.bin ?? {})) {
    const run = runBin(project, name);
    if (run.ok) console.log(`ok   ${pkg.name} bin ${name} --help runs from the installed tarball`);
    else failures += fail(`${pkg.name} bin ${name} from the installed tarball: ${run.output}`);
  }
  const hasCjs = JSON.stringify(pkg.exports).includes('"require"');
  for (const file of hasCjs ? ['check.mjs', 'check.cjs'] : ['check.mjs']) {
    try {
      execFileSync(process.execPath, [file], { cwd: project, stdio: 'pipe' });
      console.log(`ok   ${pkg.name} ${file === 'check.mjs' ? 'ESM import' : 'CJS require'} of ${entries.join(', ')}`);
    } catch (error) {
      failures += 1;
      console.error(`FAIL ${pkg.name} ${file}: ${error.stderr?.toString() || error.message}`);
    }
  }
}
/** Every entry point of the packed packages, as a consumer imports it. */
const allEntries = packages.flatMap(({ pkg }) =>
  Object.keys(pkg.exports)
    .filter((e) => e !== './package.json')
    .map((e) => (e === '.' ? pkg.name : `${pkg.name}/${e.slice(2)}`)),
);

/** All tarballs in one npm project, and the strict consumer compile against them. */
function checkTypesWithNpm() {
  const project = mkdtempSync(join(work, 'types-'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'pack-check-types', private: true, version: '1.0.0' }),
  );
  npm(
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      ...tarballs.values(),
      ...TYPE_CONSUMER_PACKAGES,
    ],
    project,
  );
  return checkConsumerTypes(project, allEntries, 'npm').reduce(
    (n, { label, output }) => n + fail(`${label}:\n${output}`),
    0,
  );
}

const timed = (name, check) => {
  const started = Date.now();
  const failed = check();
  console.log(`     ${name}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return failed;
};
failures += timed('strict consumer compile (npm)', checkTypesWithNpm);
if (!flags.includes('--no-pnpm'))
  failures += timed('pnpm install, types, quick start, cloudflare setup', () => checkPnpm(work, tarballs, allEntries));
if (!flags.includes('--no-clone')) failures += timed('fresh clone', checkFreshClone);
rmSync(work, { recursive: true, force: true });
if (failures > 0) {
  console.error(`pack check: ${failures} failure(s)`);
  process.exit(1);
}
console.log(`pack check: ${packages.length} packages install and load from ESM and CJS`);
