import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unstable_readConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';
import { fixture, sandboxes } from './sandbox.js';

const ID = '2f4e6a8c-0b1d-4e3f-9a5b-7c9d1e3f5a7b';
const open = sandboxes();

const bindingsIn = (path: string): string[] =>
  unstable_readConfig({ config: path }, { hideWarnings: true }).d1_databases.map(
    (d: { binding: string; database_id?: string }) => `${d.binding}=${d.database_id}`,
  );

describe.each([
  ['wrangler.toml', 'wrangler.deploy.toml'],
  ['wrangler.jsonc', 'wrangler.deploy.jsonc'],
  ['with-other-db.jsonc', 'wrangler.deploy.jsonc'],
  ['with-other-db.toml', 'wrangler.deploy.toml'],
])('deploy-config from %s', (name, generated) => {
  const others = name.startsWith('with-other-db') ? ['APP_DB=11111111-2222-4333-8444-555555555555'] : [];

  it('includes the binding when CONVERSATIONS_D1_DATABASE_ID is set, and leaves the committed config alone', async () => {
    const box = open(name);
    const result = await box.cli(['deploy-config'], { CONVERSATIONS_D1_DATABASE_ID: ID });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining(`wrangler deploy --config ${generated}`) });
    expect(bindingsIn(join(box.dir, generated))).toEqual([...others, `CONVERSATIONS_D1=${ID}`]);
    expect(box.read()).toBe(fixture(name));
  });

  it('leaves the binding out when no id is set, even if setup had added it', async () => {
    const box = open(name);
    await box.cli(['setup'], { CONVERSATIONS_D1_DATABASE_ID: ID });
    const ok = await box.cli(['deploy-config']);
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringContaining('left out') });
    expect(bindingsIn(join(box.dir, generated))).toEqual(others);
  });

  it('refuses an id that is not a UUID and writes no config', async () => {
    const box = open(name);
    const result = await box.cli(['deploy-config'], { CONVERSATIONS_D1_DATABASE_ID: 'prod-db' });
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('UUID') });
    expect(existsSync(join(box.dir, generated))).toBe(false);
  });
});

describe('deploy-config --out', () => {
  it('writes where it is told, with the alias id', async () => {
    const box = open('wrangler.jsonc');
    const result = await box.cli(['deploy-config', '--out', 'wrangler.ci.jsonc'], {
      AGENT_CONVERSATIONS_D1_DATABASE_ID: ID,
    });
    expect(result.code).toBe(0);
    expect(readFileSync(join(box.dir, 'wrangler.ci.jsonc'), 'utf8')).toContain(`"database_id": "${ID}"`);
  });
});
