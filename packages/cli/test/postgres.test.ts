import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPostgresStore, migrationFiles } from '@agent-conversations/store-postgres';
import { describe, expect, it } from 'vitest';
import { bin, pgEnv, runCli, workdir, testDatabases } from './support.js';

const database = testDatabases();

async function seed(url: string, users: number, perUser: number): Promise<void> {
  const store = createPostgresStore({ connectionString: url });
  try {
    for (let u = 0; u < users; u++) {
      for (let c = 0; c < perUser; c++) {
        await store.upsert({
          id: `conv-${c}`,
          userId: `user-${String(u).padStart(3, '0')}`,
          metadata: { n: c, nested: { emoji: '😀' } },
          usage: { inputTokens: c + 1, costUsd: 0.25 },
          messages: [
            { id: `m${c}a`, role: 'user', parts: [{ type: 'text', text: `question ${c} with \u0000 and \ud800` }] },
            { id: `m${c}b`, role: 'assistant', parts: [{ type: 'text', text: `answer ${c}` }] },
          ],
        });
      }
    }
  } finally {
    await store.close();
  }
}

describe('doctor against a real Postgres', () => {
  it('passes on a healthy, migrated setup and shows the schema version', async () => {
    const db = await database('doctor_ok');
    const store = createPostgresStore({ connectionString: db.url });
    await store.migrate();
    await store.close();
    const run = await runCli(['doctor'], pgEnv(db.url), await workdir());
    expect(run.stdout).toMatch(/chosen\s+postgres\s+DATABASE_URL is set \(postgresql:\/\/127\.0\.0\.1:\d+\)/);
    expect(run.stdout).toMatch(/ok\s+schema version: version \d+ \(current\)/);
    expect(run.stdout).toContain('doctor: ready: the app would start on postgres');
    expect(run.code).toBe(0);
    const json = JSON.parse((await runCli(['doctor', '--json'], pgEnv(db.url), await workdir())).stdout) as {
      ok: boolean;
      explanation: { decision: string };
    };
    expect(json).toMatchObject({ ok: true, explanation: { decision: 'postgres' } });
  });

  it('fails on a wrong password, without showing any password', async () => {
    const db = await database('doctor_pw');
    const url = new URL(db.url);
    const real = decodeURIComponent(url.password);
    url.password = 'wrong-password-123';
    const run = await runCli(['doctor'], pgEnv(url.toString()), await workdir());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL credentials/);
    for (const secret of [real, 'wrong-password-123']) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('reports a missing schema and an old schema version, and migrate (with --dry-run first) brings them current', async () => {
    const db = await database('doctor_schema');
    const env = pgEnv(db.url);
    const cwd = await workdir();
    const latest = migrationFiles().length;
    const missing = await runCli(['doctor'], env, cwd);
    expect(missing.stdout).toContain(
      `schema version: version 0 of ${latest}; pending migrations are applied on first use (autoMigrate)`,
    );
    expect(missing.code).toBe(0);

    const dry = await runCli(['migrate', '--dry-run'], env, cwd);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('CREATE TABLE IF NOT EXISTS');
    expect((await runCli(['doctor'], env, cwd)).stdout).toContain(`version 0 of ${latest}`);

    await db.pool.query(migrationFiles()[0]!.sql);
    const old = await runCli(['doctor'], env, cwd);
    expect(old.stdout).toContain(`schema version: version 1 of ${latest}`);

    const migrated = await runCli(['migrate'], env, cwd);
    expect(migrated.stdout).toContain(`migrated postgres schema from version 1 to ${latest}`);
    expect((await runCli(['migrate'], env, cwd)).stdout).toContain(`postgres schema already at version ${latest}`);
    expect((await runCli(['doctor'], env, cwd)).stdout).toMatch(/ok\s+schema version: version \d+ \(current\)/);
  });

  it('fails when the user may not create the schema it is missing, naming the grant', async () => {
    const db = await database('doctor_grant');
    await db.pool.query(`DROP ROLE IF EXISTS limited_cli; CREATE ROLE limited_cli LOGIN PASSWORD 'limited-pw-42'`);
    const url = new URL(db.url);
    url.username = 'limited_cli';
    url.password = 'limited-pw-42';
    const run = await runCli(['doctor'], pgEnv(url.toString()), await workdir());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL grants: "limited_cli" lacks CREATE on database "[^"]+" to create schema "agent_conversations"/,
    );
    expect(run.stdout).not.toContain('limited-pw-42');
  });

  it('fails closed in production with nothing configured', async () => {
    const run = await runCli(
      ['doctor'],
      { NODE_ENV: 'production', AGENT_CONVERSATION_PERSISTENCE: 'true' },
      await workdir(),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('refuses to fall back to memory');
    expect(run.stdout).toContain('FAIL app start: the app would refuse to start');
    expect(run.stdout).toContain('doctor: NOT ready: the app would refuse to start');
  });
});

describe('export, import and copy against a real Postgres', () => {
  it('export → import → export is byte-identical, and a second import copies nothing', async () => {
    const [a, b] = [await database('export_a'), await database('export_b')];
    await seed(a.url, 3, 4);
    const cwd = await workdir();
    expect((await runCli(['export', '--all', '--out', 'a.jsonl'], pgEnv(a.url), cwd)).code).toBe(0);
    const imported = await runCli(['import', 'a.jsonl'], pgEnv(b.url), cwd);
    expect(imported.stdout).toContain('import: read 12, written 12, skipped 0, bad 0, failed 0');
    expect(imported.code).toBe(0);
    expect((await runCli(['export', '--all', '--out', 'b.jsonl'], pgEnv(b.url), cwd)).code).toBe(0);
    const [first, second] = await Promise.all([
      readFile(join(cwd, 'a.jsonl'), 'utf8'),
      readFile(join(cwd, 'b.jsonl'), 'utf8'),
    ]);
    expect(first.split('\n')).toHaveLength(1 + 12 + 1);
    expect(second).toBe(first);
    const again = await runCli(['import', 'a.jsonl'], pgEnv(b.url), cwd);
    expect(again.stdout).toContain('import: read 12, written 0, skipped 12, bad 0, failed 0');
    expect(again.code).toBe(0);
    const single = await runCli(['export', '--user', 'user-001'], pgEnv(a.url), cwd);
    expect(single.stdout.trim().split('\n')).toHaveLength(1 + 4);
  });

  it('copy killed half-way and run again ends with exactly one copy of everything', async () => {
    const [a, b] = [await database('copy_a'), await database('copy_b')];
    await seed(a.url, 40, 3);
    const cwd = await workdir({
      'a.env': `AGENT_CONVERSATION_PERSISTENCE=true\nDATABASE_URL=${a.url}\n`,
      'b.env': `AGENT_CONVERSATION_PERSISTENCE=true\nDATABASE_URL="${b.url}"\n`,
    });
    const args = ['copy', '--from-env', 'a.env', '--to-env', 'b.env', '--all'];

    // Kill -9 the first run once its checkpoint says ten users are done.
    const stateFile = join(cwd, '.agent-conversations-copy.json');
    const killed = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '' } });
      const timer = setInterval(() => {
        readFile(stateFile, 'utf8').then(
          (text) => {
            const last = (JSON.parse(text) as { lastUser: string }).lastUser;
            if (last >= 'user-009') child.kill('SIGKILL');
          },
          () => undefined,
        );
      }, 20);
      child.on('close', () => {
        clearInterval(timer);
        resolve(readFile(stateFile, 'utf8'));
      });
    });
    const state = JSON.parse(killed) as { lastUser: string };
    expect(state.lastUser >= 'user-009').toBe(true);
    expect(state.lastUser < 'user-039').toBe(true);

    const resumed = await runCli(args, {}, cwd);
    expect(resumed.stderr).toContain(
      `resuming the copy from .agent-conversations-copy.json: ${Number(state.lastUser.slice(5)) + 1} users done (up to ${state.lastUser})`,
    );
    expect(resumed.stdout).toContain('copy postgres -> postgres');
    expect(resumed.stdout).toMatch(
      /closing check: all \d+ source conversations checked in this run are in the destination with the same id and version/,
    );
    expect(resumed.code).toBe(0);
    await runCli(['export', '--all', '--out', 'a.jsonl'], pgEnv(a.url), cwd);
    await runCli(['export', '--all', '--out', 'b.jsonl'], pgEnv(b.url), cwd);
    const [source, copy] = await Promise.all([
      readFile(join(cwd, 'a.jsonl'), 'utf8'),
      readFile(join(cwd, 'b.jsonl'), 'utf8'),
    ]);
    expect(copy.split('\n')).toHaveLength(1 + 120 + 1);
    expect(copy).toBe(source);
  });
});
