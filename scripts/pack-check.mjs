#!/usr/bin/env node
// Packaging check, as a user installs: `npm pack` every publishable package, install the tarballs
// into a fresh project outside the workspace (core plus one package at a time), then import every
// export from ESM and require it from CJS. Exits non-zero on the first problem.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'acs-pack-'));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const only = process.argv.slice(2); // optional package folder names; default: all
const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => only.length === 0 || only.includes(dir) || dir === 'core')
  .map((dir) => ({ dir: join(root, 'packages', dir), pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

// Beyond loading: a round trip through the installed package (`m` is its main entry).
const SMOKE = {
  '@agent-conversations/core': `const s = m.createMemoryStore(); await s.upsert({ id: 'c1', userId: 'u1', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }] }); const got = await s.get('u1', 'c1'); if (got.title !== 'hi') throw new Error('round trip failed');`,
  // saveChat and loadChat with the peer dependency ai installed from the registry, over core's memory store.
  '@agent-conversations/ai-sdk': `const s = (await import('@agent-conversations/core')).createMemoryStore(); const usage = { inputTokens: 3, outputTokens: 2, inputTokenDetails: {}, outputTokenDetails: {} }; await m.saveChat(s, { userId: 'u1', id: 'c1', expectedVersion: 0, messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }], usage, cost: () => 0.5 }); const chat = await m.loadChat(s, { userId: 'u1', id: 'c1', expectedVersion: 1 }); if (chat.messages[0].parts[0].text !== 'hi' || chat.meta.usage.costUsd !== 0.5) throw new Error('ai-sdk round trip failed');`,
};
// Peer dependencies a user installs beside the package, pinned to the major version the package supports.
const PEERS = { '@agent-conversations/ai-sdk': ['ai@6'] };

const tarballs = new Map();
for (const { dir, pkg } of packages) {
  const out = JSON.parse(npm(['pack', '--json', '--pack-destination', work], dir));
  tarballs.set(pkg.name, join(work, out[0].filename));
  console.log(`packed ${pkg.name}@${pkg.version} (${out[0].entryCount} files, ${out[0].size} bytes)`);
}

let failures = 0;
for (const { pkg } of packages) {
  const project = mkdtempSync(join(work, 'app-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-check-app', private: true, version: '1.0.0' }));
  const install = [...new Set([tarballs.get('@agent-conversations/core'), tarballs.get(pkg.name)]), ...(PEERS[pkg.name] ?? [])];
  npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', ...install], project);
  const entries = Object.keys(pkg.exports).filter((e) => e !== './package.json').map((e) => (e === '.' ? pkg.name : `${pkg.name}/${e.slice(2)}`));
  const smoke = SMOKE[pkg.name] ?? '';
  const esm = entries.map((e, i) => `{ const m = await import(${JSON.stringify(e)}); if (${i} === 0 && Object.keys(m).length === 0) throw new Error('no exports: ${e}'); ${i === 0 ? smoke : ''} }`).join('\n');
  const cjs = entries.map((e, i) => `{ const m = require(${JSON.stringify(e)}); if (${i} === 0 && Object.keys(m).length === 0) throw new Error('no exports: ${e}'); }`).join('\n');
  writeFileSync(join(project, 'check.mjs'), `${esm}\nconsole.log('esm ok');\n`);
  writeFileSync(join(project, 'check.cjs'), `${cjs}\n(async () => { const m = require('@agent-conversations/core'); ${pkg.name === '@agent-conversations/core' ? smoke : ''} console.log('cjs ok'); })().catch((e) => { console.error(e); process.exit(1); });\n`);
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
rmSync(work, { recursive: true, force: true });
if (failures > 0) {
  console.error(`pack check: ${failures} failure(s)`);
  process.exit(1);
}
console.log(`pack check: ${packages.length} packages install and load from ESM and CJS`);
