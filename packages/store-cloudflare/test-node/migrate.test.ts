import { execFileSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from './sandbox.js';

// The real wrangler of the workspace, for everything that runs locally.
const realBin = fileURLToPath(new URL('../../../node_modules/.bin', import.meta.url));
const ID = '3a5c7e9f-1b2d-4f6a-8c0e-2d4f6a8c0e1f';

describe('migrate', () => {
  let box: Sandbox;
  let env: Record<string, string>;

  beforeAll(async () => {
    box = sandbox('wrangler.jsonc');
    const state = join(box.dir, 'state');
    env = {
      PATH: `${realBin}${delimiter}${process.env.PATH ?? ''}`,
      CI: 'true',
      XDG_CONFIG_HOME: join(box.dir, 'xdg'),
      WRANGLER_LOG_PATH: join(box.dir, 'logs'),
      STATE: state,
    };
    expect((await box.cli(['setup'], { CONVERSATIONS_D1_DATABASE_ID: ID })).code).toBe(0);
  });
  afterAll(() => box.remove());

  const tablesIn = (): string[] => {
    const out = execFileSync(
      'wrangler',
      [
        'd1',
        'execute',
        'CONVERSATIONS_D1',
        '--local',
        '--persist-to',
        env.STATE!,
        '--json',
        '--command',
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' AND name <> 'sqlite_sequence' ORDER BY name",
      ],
      { cwd: box.dir, env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    return (JSON.parse(out) as { results: { name: string }[] }[])[0]!.results.map((r) => r.name);
  };

  it('needs exactly one of --local and --remote', async () => {
    expect(await box.cli(['migrate'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('--local') });
    expect(await box.cli(['migrate', '--local', '--remote'], env)).toMatchObject({ code: 1 });
  });

  it('--local applies the schema with the real wrangler, and a second run has nothing to apply', async () => {
    const first = await box.cli(['migrate', '--local', '--persist-to', env.STATE!], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('0001_init.sql');
    expect(tablesIn()).toEqual(['agent_conversation_messages', 'agent_conversations', 'd1_migrations']);
    const second = await box.cli(['migrate', '--local', '--persist-to', env.STATE!], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No migrations to apply');
  });

  it('asks for setup when the config has no CONVERSATIONS_D1 binding', async () => {
    const bare = sandbox('wrangler.toml');
    try {
      expect(await bare.cli(['migrate', '--local'], env)).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('setup'),
      });
    } finally {
      bare.remove();
    }
  });
});
