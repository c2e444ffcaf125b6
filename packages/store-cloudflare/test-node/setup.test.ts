import { unstable_readConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';
import { fixture, sandboxes, type Sandbox } from './sandbox.js';

const CREATED = '7d1c3f0e-5b2a-4c8d-9e6f-0a1b2c3d4e5f';
const FROM_ENV = 'c0ffee00-1234-4abc-8def-0123456789ab';
const open = sandboxes();

/** The d1_databases entries wrangler itself reads from the file. */
function d1Of(
  box: Sandbox,
): { binding: string; database_id?: string; database_name?: string; migrations_dir?: string }[] {
  return unstable_readConfig({ config: box.config }, { hideWarnings: true }).d1_databases;
}

/** Every line of `before` appears in `after`, in the same order (nothing of the user's was lost or rewritten). */
function expectKeptLines(before: string, after: string): void {
  const lines = after.split('\n');
  let at = 0;
  for (const line of before.split('\n').filter((l) => l.trim() !== '')) {
    const found = lines.indexOf(line, at);
    expect(found, `line lost or changed: ${line}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

describe.each(['wrangler.toml', 'wrangler.jsonc'])('setup on %s', (name) => {
  it('creates the database once, writes its id and the binding, keeps every comment, and changes nothing when run again', async () => {
    const box = open(name);
    const first = await box.cli(['setup'], { FAKE_D1_ID: CREATED });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(box.wranglerCalls()).toEqual([
      ['d1', 'create', 'chat-app-conversations', '--no-update-config', '--config', box.config],
    ]);
    expectKeptLines(fixture(name), box.read());
    expect(d1Of(box)).toEqual([
      expect.objectContaining({
        binding: 'CONVERSATIONS_D1',
        database_name: 'chat-app-conversations',
        database_id: CREATED,
      }),
    ]);
    expect(d1Of(box)[0]!.migrations_dir).toMatch(/migrations$/);

    const written = box.read();
    const second = await box.cli(['setup'], { FAKE_D1_ID: 'ffffffff-ffff-4fff-8fff-ffffffffffff' });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to change');
    expect(box.read()).toBe(written);
    expect(box.wranglerCalls()).toHaveLength(1);
  });

  it('uses CONVERSATIONS_D1_DATABASE_ID instead of creating a database', async () => {
    const box = open(name);
    expect((await box.cli(['setup'], { CONVERSATIONS_D1_DATABASE_ID: FROM_ENV })).code).toBe(0);
    expect(box.wranglerCalls()).toEqual([]);
    expect(d1Of(box)).toEqual([expect.objectContaining({ binding: 'CONVERSATIONS_D1', database_id: FROM_ENV })]);
  });

  it('accepts the alias AGENT_CONVERSATIONS_D1_DATABASE_ID, and replaces only the id when it changes', async () => {
    const box = open(name);
    await box.cli(['setup'], { AGENT_CONVERSATIONS_D1_DATABASE_ID: FROM_ENV });
    const before = box.read();
    expect((await box.cli(['setup'], { AGENT_CONVERSATIONS_D1_DATABASE_ID: CREATED })).code).toBe(0);
    const after = box.read();
    expect(after).toBe(before.replace(FROM_ENV, CREATED));
    expect(box.wranglerCalls()).toEqual([]);
  });

  it('refuses an id that is not a UUID, or two different ids, and leaves the file alone', async () => {
    const box = open(name);
    const bad = await box.cli(['setup'], { CONVERSATIONS_D1_DATABASE_ID: 'my-database' });
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('must be a D1 database id, a UUID') });
    const both = await box.cli(['setup'], {
      CONVERSATIONS_D1_DATABASE_ID: FROM_ENV,
      AGENT_CONVERSATIONS_D1_DATABASE_ID: CREATED,
    });
    expect(both).toMatchObject({ code: 1, stderr: expect.stringContaining('different ids') });
    expect(box.read()).toBe(fixture(name));
    expect(box.wranglerCalls()).toEqual([]);
  });

  it('reports a failed wrangler d1 create and writes nothing', async () => {
    const box = open(name);
    const result = await box.cli(['setup'], { FAKE_WRANGLER_EXIT: '1' });
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('wrangler d1 create failed') });
    expect(box.read()).toBe(fixture(name));
  });
});

describe.each(['with-other-db.jsonc', 'with-other-db.toml'])('setup beside another D1 database (%s)', (name) => {
  it('adds its own entry and leaves the other one as it was', async () => {
    const box = open(name);
    expect((await box.cli(['setup', '--name', 'chats'], { FAKE_D1_ID: CREATED })).code).toBe(0);
    expectKeptLines(fixture(name), box.read());
    expect(d1Of(box)).toEqual([
      expect.objectContaining({ binding: 'APP_DB', database_id: '11111111-2222-4333-8444-555555555555' }),
      expect.objectContaining({ binding: 'CONVERSATIONS_D1', database_name: 'chats', database_id: CREATED }),
    ]);
    const written = box.read();
    await box.cli(['setup', '--name', 'chats'], { FAKE_D1_ID: CREATED });
    expect(box.read()).toBe(written);
  });
});

describe('setup errors', () => {
  it('says where it looked when there is no wrangler config', async () => {
    const box = open('wrangler.toml');
    const result = await box.cli(['setup', '--config', 'elsewhere/wrangler.toml']);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('does not exist') });
  });

  it('rejects unknown options', async () => {
    const box = open('wrangler.toml');
    expect((await box.cli(['setup', '--nme', 'x'])).code).toBe(1);
  });
});
