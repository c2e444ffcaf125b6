// The pnpm part of the packaging check: every packed tarball installed with pnpm (strict layout: a package sees
// only what it declares, and its files live in a versioned node_modules/.pnpm/<name>@<version>… folder), then
// every entry imported from ESM and required from CJS, the strict consumer compile, the quick start, and the
// Cloudflare `setup`, whose wrangler config must never point into that versioned folder.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { checkConsumerTypes, TYPE_CONSUMER_PACKAGES } from './pack-check-types.mjs';

const root = resolve(import.meta.dirname, '..');
/** pnpm from the npm registry, pinned: 10.x is the newest line that runs on Node 20 (11 needs Node 22). */
export const PNPM = 'pnpm@10.34.9';
const D1_ID = 'c0ffee00-1234-4abc-8def-0123456789ab';
const STORES = [
  '@agent-conversations/store-agentstate',
  '@agent-conversations/store-cloudflare',
  '@agent-conversations/store-postgres',
  '@agent-conversations/store-clickhouse',
];

/** Runs `command` in `cwd` with a bare environment (no database or Cloudflare variable of the developer's). */
function run(cwd, command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`.trim(),
  };
}
const node = (cwd, args, env) => run(cwd, process.execPath, args, env);

/** Installs `tarballs` (name -> .tgz path) with pnpm in a fresh project under `work` and checks it; returns the failure count. */
export function checkPnpm(work, tarballs, entries) {
  let failures = 0;
  const fail = (message) => {
    console.error(`FAIL pnpm: ${message}`);
    failures += 1;
  };
  const project = join(work, 'pnpm-app');
  mkdirSync(project);
  const ours = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  const extras = Object.fromEntries(
    TYPE_CONSUMER_PACKAGES.map((spec) => [spec.slice(0, spec.lastIndexOf('@')), spec.slice(spec.lastIndexOf('@') + 1)]),
  );
  // overrides: a package's own dependency on another of ours (cli -> core) takes the tarball too, not the registry.
  const manifest = {
    name: 'pack-check-pnpm-app',
    private: true,
    version: '1.0.0',
    type: 'module',
    dependencies: { ...ours, ...extras },
    pnpm: { overrides: ours },
  };
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  const started = Date.now();
  try {
    execFileSync('npx', ['--yes', PNPM, 'install', '--prefer-offline', '--ignore-scripts', '--reporter=append-only'], {
      cwd: project,
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } catch (error) {
    fail(`${PNPM} install of the tarballs: ${error.stdout ?? ''}${error.stderr ?? error.message}`);
    return failures;
  }
  const store = readdirSync(join(project, 'node_modules', '.pnpm')).filter((d) =>
    d.startsWith('@agent-conversations+'),
  ).length;
  console.log(
    `ok   pnpm: ${PNPM} installed ${tarballs.size} tarballs in ${((Date.now() - started) / 1000).toFixed(1)}s (${store} in node_modules/.pnpm)`,
  );

  writeFileSync(join(project, 'load.mjs'), `${entries.map((e) => `await import(${JSON.stringify(e)});`).join('\n')}\n`);
  writeFileSync(join(project, 'load.cjs'), `${entries.map((e) => `require(${JSON.stringify(e)});`).join('\n')}\n`);
  for (const file of ['load.mjs', 'load.cjs']) {
    const run = node(project, [file]);
    if (run.ok)
      console.log(
        `ok   pnpm: ${file.endsWith('.mjs') ? 'ESM import' : 'CJS require'} of all ${entries.length} entries`,
      );
    else fail(`${file}: ${run.output}`);
  }

  for (const { label, output } of checkConsumerTypes(project, entries, 'pnpm')) fail(`${label}:\n${output}`);

  if (tarballs.has('@agent-conversations/cli')) checkQuickStart(project, tarballs, fail);
  if (tarballs.has('@agent-conversations/store-cloudflare')) checkCloudflareSetup(project, fail);
  return failures;
}

/** The quick start, as an app author runs it: the CLI finds the store packages the app installed (its optional peers). */
function checkQuickStart(project, tarballs, fail) {
  const stores = STORES.filter((name) => tarballs.has(name));
  copyFileSync(join(root, 'scripts', 'quickstart.mjs'), join(project, 'quickstart.mjs'));
  const quick = node(project, ['quickstart.mjs']);
  const missing = stores.filter((name) => !quick.output.includes(`registered ${name}/register`));
  if (quick.ok && missing.length === 0 && /deleted {3}true; get afterwards -> null/.test(quick.output))
    console.log(`ok   pnpm: quick start registers the ${stores.length} installed server stores and round-trips`);
  else fail(`quick start${missing.length ? ` (not registered: ${missing.join(', ')})` : ''}:\n${quick.output}`);
}

/** `agent-conversations-cloudflare setup` in the pnpm app: migrations_dir goes through node_modules, never .pnpm/. */
function checkCloudflareSetup(project, fail) {
  const config = join(project, 'wrangler.jsonc');
  writeFileSync(
    config,
    '{\n  // the app\'s Worker\n  "name": "chat-app",\n  "main": "src/index.ts",\n  "compatibility_date": "2026-04-01"\n}\n',
  );
  const setup = run(project, join(project, 'node_modules', '.bin', 'agent-conversations-cloudflare'), ['setup'], {
    CONVERSATIONS_D1_DATABASE_ID: D1_ID,
  });
  const text = readFileSync(config, 'utf8');
  const dir = /"migrations_dir":\s*"([^"]+)"/.exec(text)?.[1];
  if (!setup.ok) fail(`cloudflare setup: ${setup.output}`);
  else if (!dir || dir.includes('.pnpm') || !text.includes(D1_ID))
    fail(`cloudflare setup wrote migrations_dir "${dir}" (must not point into .pnpm/):\n${text}`);
  else if (
    !existsSync(join(project, dir, '0001_init.sql')) ||
    !realpathSync(join(project, dir)).includes(`${sep}.pnpm${sep}`)
  )
    fail(`cloudflare setup: migrations_dir "${dir}" does not reach the installed package's migrations`);
  else
    console.log(
      `ok   pnpm: cloudflare setup writes migrations_dir "${dir}" (through the node_modules symlink, not .pnpm/)`,
    );
}
