import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unstable_readConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';
import { sandboxes } from './sandbox.js';

const MIGRATIONS = fileURLToPath(new URL('../migrations/', import.meta.url));
const ID = 'c0ffee00-1234-4abc-8def-0123456789ab';
const open = sandboxes();

/** pnpm's layout in `app`: the package's files in a versioned store folder, node_modules/@agent-conversations/store-cloudflare a symlink to it. */
function installLikePnpm(app: string, version: string): string {
  const store = `.pnpm/@agent-conversations+store-cloudflare@${version}/node_modules/@agent-conversations/store-cloudflare`;
  cpSync(MIGRATIONS, join(app, 'node_modules', store, 'migrations'), { recursive: true });
  const link = join(app, 'node_modules', '@agent-conversations', 'store-cloudflare');
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(`../${store}`, link, 'dir');
  return store;
}

function migrationsDirOf(config: string): string | undefined {
  return unstable_readConfig({ config }, { hideWarnings: true }).d1_databases.find(
    (d: { binding: string }) => d.binding === 'CONVERSATIONS_D1',
  )?.migrations_dir;
}

describe.each(['wrangler.jsonc', 'wrangler.toml'])('setup under pnpm (%s)', (name) => {
  it('writes migrations_dir through the node_modules symlink, never into the versioned .pnpm folder, so it survives an upgrade', async () => {
    const box = open(name);
    const store = installLikePnpm(box.dir, '0.1.0');
    expect(await box.cli(['setup'], { CONVERSATIONS_D1_DATABASE_ID: ID })).toMatchObject({ code: 0, stderr: '' });
    const dir = migrationsDirOf(box.config);
    expect(dir).toBe('node_modules/@agent-conversations/store-cloudflare/migrations');
    expect(box.read()).not.toContain('.pnpm');
    expect(readFileSync(join(box.dir, dir!, '0001_init.sql'), 'utf8')).toBe(
      readFileSync(join(MIGRATIONS, '0001_init.sql'), 'utf8'),
    );

    // An upgrade: pnpm puts the new version in a new folder, repoints the symlink and removes the old folder.
    installLikePnpm(box.dir, '0.2.0');
    rmSync(join(box.dir, 'node_modules', store), { recursive: true });
    expect(existsSync(join(box.dir, dir!, '0001_init.sql'))).toBe(true);
    expect((await box.cli(['setup'], { CONVERSATIONS_D1_DATABASE_ID: ID })).stdout).toContain('nothing to change');
  });

  it('repairs a migrations_dir that an older setup wrote into .pnpm, and keeps the rest of the file', async () => {
    const box = open(name);
    const store = installLikePnpm(box.dir, '0.1.0');
    await box.cli(['setup'], { CONVERSATIONS_D1_DATABASE_ID: ID });
    const good = box.read();
    writeFileSync(
      box.config,
      good.replace('node_modules/@agent-conversations/store-cloudflare/migrations', `node_modules/${store}/migrations`),
    );
    expect(migrationsDirOf(box.config)).toContain('.pnpm');

    const migrate = await box.cli(['migrate', '--local']);
    expect(migrate.stderr).toContain("warning: migrations_dir points into pnpm's versioned store");
    const repaired = await box.cli(['setup'], { CONVERSATIONS_D1_DATABASE_ID: ID });
    expect(repaired).toMatchObject({ code: 0, stdout: expect.stringContaining('replacing it') });
    expect(box.read()).toBe(good);
  });

  it('finds the package in a parent node_modules (a hoisted monorepo) and writes the path from the config', async () => {
    const box = open(name);
    installLikePnpm(box.dir, '0.1.0');
    const nested = join(box.dir, 'apps', 'worker', name);
    mkdirSync(dirname(nested), { recursive: true });
    writeFileSync(nested, box.read());
    expect((await box.cli(['setup', '--config', nested], { CONVERSATIONS_D1_DATABASE_ID: ID })).code).toBe(0);
    expect(migrationsDirOf(nested)).toBe('../../node_modules/@agent-conversations/store-cloudflare/migrations');
  });
});
