import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFileStore } from '../../../tools/store-file-fixture/index.mjs';
import { pgEnv, runCli, testDatabases, workdir } from './support.js';

// A third-party adapter that lives outside packages/ (kind "file", configured by FILE_STORE_PATH, joins auto last).
const register = fileURLToPath(new URL('../../../tools/store-file-fixture/register.mjs', import.meta.url));
const exporting = fileURLToPath(new URL('../../../tools/store-file-fixture/index.mjs', import.meta.url));
const database = testDatabases();
const ON = { AGENT_CONVERSATION_PERSISTENCE: 'true' };
const envFile = (vars: Record<string, string>): string =>
  Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
const conversation = (userId: string, id: string) => ({
  id,
  userId,
  title: `${id} title`,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_500,
  messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: `hi from ${userId}` }] }],
});

describe('a third-party adapter in the CLI (--adapter)', () => {
  it('doctor resolves it by name and by auto, and checks it for real', async () => {
    const cwd = await workdir();
    const path = join(cwd, 'chats.json');
    const byName = await runCli(
      ['doctor', '--adapter', register],
      { ...ON, AGENT_CONVERSATION_STORE: 'file', FILE_STORE_PATH: path },
      cwd,
    );
    expect(byName.stdout).toContain('conversation store: file (AGENT_CONVERSATION_STORE=file)');
    expect(byName.stdout).toContain('doctor: ready: the app would start on file');
    expect(byName.code).toBe(0);
    // The module's exported adapter (no self-registration) works the same; auto picks it when no built-in backend is configured.
    const byAuto = await runCli(['doctor', '--adapter', exporting], { ...ON, FILE_STORE_PATH: path }, cwd);
    expect(byAuto.stdout).toContain('conversation store: file (auto: file is the first configured backend)');
    expect(byAuto.stdout).toMatch(/chosen\s+file\s+FILE_STORE_PATH is set/);
    expect(byAuto.code).toBe(0);
  });

  it('without --adapter the kind is unknown, and the error lists the registered kinds and the built-in packages', async () => {
    const cwd = await workdir();
    const run = await runCli(
      ['doctor'],
      { ...ON, AGENT_CONVERSATION_STORE: 'file', FILE_STORE_PATH: join(cwd, 'x.json') },
      cwd,
    );
    expect(run.stdout).toContain(
      'AGENT_CONVERSATION_STORE must be auto, a built-in kind or a registered one (got "file")',
    );
    expect(run.stdout).toContain('postgres from @agent-conversations/store-postgres');
    expect(run.code).toBe(1);
    const missing = await runCli(['doctor', '--adapter', './nope.mjs'], ON, cwd);
    expect(missing.stderr).toContain('--adapter ./nope.mjs: the module was not found (no such file)');
    expect(missing.code).toBe(1);
    await writeFile(join(cwd, 'plain.mjs'), 'export const answer = 42;\n');
    const none = await runCli(['doctor', '--adapter', './plain.mjs'], ON, cwd);
    expect(none.stderr).toContain('neither registered a store adapter nor exports one');
  });

  it('copies from Postgres into it and from it into another Postgres; export and import work on it', async () => {
    const [source, target] = [await database('third_party_src'), await database('third_party_dst')];
    const cwd = await workdir();
    const path = join(cwd, 'chats.json');
    const seed = join(cwd, 'seed.jsonl');
    await writeFile(
      seed,
      [
        '{"format":"agent-conversations","version":1}',
        JSON.stringify(conversation('alice', 'a1')),
        JSON.stringify(conversation('bob', 'b1')),
      ].join('\n'),
    );
    expect((await runCli(['import', seed], pgEnv(source.url), cwd)).code).toBe(0);
    await writeFile(join(cwd, 'pg-src.env'), envFile(pgEnv(source.url)));
    await writeFile(join(cwd, 'pg-dst.env'), envFile(pgEnv(target.url)));
    await writeFile(join(cwd, 'file.env'), envFile({ ...ON, AGENT_CONVERSATION_STORE: 'file', FILE_STORE_PATH: path }));

    const into = await runCli(
      ['copy', '--adapter', register, '--from-env', 'pg-src.env', '--to-env', 'file.env', '--all'],
      {},
      cwd,
    );
    expect(into.stderr + into.stdout).not.toMatch(/\n\s+at /);
    expect(into.code).toBe(0);
    const file = createFileStore({ path });
    expect(await file.get('alice', 'a1')).toMatchObject({
      title: 'a1 title',
      createdAt: 1_700_000_000_000,
      messages: conversation('alice', 'a1').messages,
    });
    expect((await file.list('bob')).items.map((c) => c.id)).toEqual(['b1']);

    const out = await runCli(
      ['copy', '--adapter', register, '--from-env', 'file.env', '--to-env', 'pg-dst.env', '--all'],
      {},
      cwd,
    );
    expect(out.code).toBe(0);
    const exported = await runCli(['export', '--adapter', register, '--env-file', 'pg-dst.env', '--all'], {}, cwd);
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l) as { id: string; userId: string; messages: unknown });
    expect(lines.map((l) => `${l.userId}/${l.id}`).sort()).toEqual(['alice/a1', 'bob/b1']);
    expect(lines.find((l) => l.id === 'a1')?.messages).toEqual(conversation('alice', 'a1').messages);

    const fromFile = await runCli(
      ['export', '--adapter', register, '--env-file', 'file.env', '--user', 'alice'],
      {},
      cwd,
    );
    expect(fromFile.code).toBe(0);
    await writeFile(join(cwd, 'alice.jsonl'), fromFile.stdout);
    const other = join(cwd, 'other.json');
    const imported = await runCli(
      ['import', 'alice.jsonl', '--adapter', register],
      { ...ON, AGENT_CONVERSATION_STORE: 'file', FILE_STORE_PATH: other },
      cwd,
    );
    expect(imported.code).toBe(0);
    expect((await createFileStore({ path: other }).get('alice', 'a1'))?.messages).toEqual(
      conversation('alice', 'a1').messages,
    );
  });
});
