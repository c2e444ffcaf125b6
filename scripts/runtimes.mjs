#!/usr/bin/env node
// The runtimes CI tests on, every one from the npm registry (npm's own client, no other download): Node 20 (the
// engines floor, 20.19.0), 22 and 24 from the `node-linux-<arch>` packages, Bun from `@oven/bun-linux-<arch>`, Deno
// from `@deno/linux-<arch>-glibc`. Each is installed once into node_modules/.cache/runtimes/<id>-<version>/.
// Usage: node scripts/runtimes.mjs install [id...]   installs (default: all) and prints each binary
//        node scripts/runtimes.mjs bin-dir <id>       installs if needed and prints the folder holding its binary
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'node_modules', '.cache', 'runtimes');
const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
const bunArch = { x64: 'x64', arm64: 'aarch64' }[process.arch];

/** @typedef {{ id: string, label: string, pkg: string, version: string, bin: string, run: string[] }} Runtime */
/** Every runtime of the matrix. `run` goes between the binary and a script path (Bun forces its own runtime on scripts with a node shebang). */
export const RUNTIMES = /** @type {Runtime[]} */ ([
  { id: 'node20', label: 'Node 20.19.0', pkg: `node-linux-${arch}`, version: '20.19.0', bin: 'bin/node', run: [] },
  { id: 'node22', label: 'Node 22', pkg: `node-linux-${arch}`, version: '22.23.5', bin: 'bin/node', run: [] },
  { id: 'node24', label: 'Node 24', pkg: `node-linux-${arch}`, version: '24.22.3', bin: 'bin/node', run: [] },
  { id: 'bun', label: 'Bun', pkg: `@oven/bun-linux-${bunArch}`, version: '1.4.5', bin: 'bin/bun', run: ['--bun'] },
  { id: 'deno', label: 'Deno', pkg: `@deno/linux-${arch}-glibc`, version: '2.9.6', bin: 'deno', run: ['run', '-A'] },
]);

/** The runtime with this id; throws naming the known ones. */
export function runtime(id) {
  const found = RUNTIMES.find((r) => r.id === id);
  if (!found) throw new Error(`unknown runtime "${id}" (known: ${RUNTIMES.map((r) => r.id).join(', ')})`);
  return found;
}

/** Path of the runtime's binary, installing its npm package into the cache first when it is not there. */
export function install(rt) {
  if (process.platform !== 'linux' || !arch) {
    throw new Error(
      `the runtime matrix installs Linux x64/arm64 builds from npm; this is ${process.platform}-${process.arch}`,
    );
  }
  const prefix = join(cache, `${rt.id}-${rt.version}`);
  const bin = join(prefix, 'node_modules', rt.pkg, rt.bin);
  if (existsSync(bin)) return bin;
  // --ignore-scripts: the packages hold the binary itself; nothing needs to run at install.
  const args = [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-package-lock',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    `${rt.pkg}@${rt.version}`,
  ];
  const result = spawnSync('npm', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0 || !existsSync(bin))
    throw new Error(`npm ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...ids] = process.argv.slice(2);
  try {
    if (command === 'install') {
      for (const rt of ids.length ? ids.map(runtime) : RUNTIMES)
        console.log(`${rt.label} (${rt.pkg}@${rt.version}): ${install(rt)}`);
    } else if (command === 'bin-dir' && ids.length === 1) {
      console.log(dirname(install(runtime(ids[0]))));
    } else {
      console.error('usage: node scripts/runtimes.mjs install [id...] | bin-dir <id>');
      process.exitCode = 2;
    }
  } catch (error) {
    console.error(`runtimes: ${error.message}`);
    process.exitCode = 1;
  }
}
