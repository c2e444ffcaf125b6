import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestDatabase } from '@agent-conversations/pg-test-server';
import { createPostgresStore } from '@agent-conversations/store-postgres';
import { describe, expect, it } from 'vitest';
import { bin, pgEnv, runCli, workdir, type CliRun, testDatabases } from './support.js';

const database = testDatabases();

const HEADER = '{"format":"agent-conversations","version":1}';
const line = (userId: string, id: string, text = `hello from ${userId}`): string =>
  JSON.stringify({
    id,
    userId,
    title: `${id} title`,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_500,
    messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }],
  });

/** Conversation ids per user in a database, read through the store. */
async function contents(url: string, users: string[]): Promise<Record<string, string[]>> {
  const store = createPostgresStore({ connectionString: url });
  try {
    const out: Record<string, string[]> = {};
    for (const user of users) out[user] = (await store.list(user)).items.map((c) => c.id).sort();
    return out;
  } finally {
    await store.close();
  }
}

function noStack(run: CliRun): void {
  expect(run.stdout + run.stderr).not.toMatch(/TypeError|Cannot read properties|\n\s+at /);
}

// A crafted export: a BOM before the header, a null line, broken JSON, an ill-typed line, a blank line, foreign users.
const crafted = [
  `\uFEFF${HEADER}`,
  line('alice', 'a1'),
  'null',
  '{"id":"a2","userId":"alice","messages":[',
  JSON.stringify({ id: 'a3', userId: 42, messages: [] }),
  '',
  line('bob', 'b1'),
  JSON.stringify({
    id: 'a4',
    userId: 'alice',
    messages: [{ id: 'm', role: 'user', content: 'x' }],
    usage: { inputTokens: -1 },
  }),
  line('alice', 'a5'),
  line('carol', 'c1'),
].join('\r\n');

describe('import of crafted files into a real Postgres', () => {
  it('reports each bad line with its number and reason, goes on, ends with a summary, and exits 1', async () => {
    const db = await database('import_crafted');
    const cwd = await workdir({ 'crafted.jsonl': crafted });
    const run = await runCli(['import', 'crafted.jsonl'], pgEnv(db.url), cwd);
    expect(run.stderr).toContain('line 3: bad: expected a conversation object, got null');
    expect(run.stderr).toMatch(/line 4: bad: not JSON \(/);
    expect(run.stderr).toMatch(/line 5: bad.*: VALIDATION: userId must be a non-empty string/);
    expect(run.stderr).toMatch(/line 8: bad \(alice \/ a4\): VALIDATION: usage.inputTokens/);
    expect(run.stdout).toContain('import: read 8, written 4, skipped 0, bad 4, failed 0');
    expect(run.code).toBe(1);
    noStack(run);
    expect(await contents(db.url, ['alice', 'bob', 'carol'])).toEqual({
      alice: ['a1', 'a5'],
      bob: ['b1'],
      carol: ['c1'],
    });
  });

  it('--strict checks the whole file first and writes nothing when a line is bad; a clean file with a BOM imports', async () => {
    const db = await database('import_strict');
    const clean = [`\uFEFF${HEADER}`, line('alice', 'a1'), line('bob', 'b1')].join('\n');
    const cwd = await workdir({ 'crafted.jsonl': crafted, 'clean.jsonl': clean });
    const refused = await runCli(['import', 'crafted.jsonl', '--strict'], pgEnv(db.url), cwd);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 3: bad: expected a conversation object, got null');
    expect(refused.stderr).toContain('import --strict: nothing was written: line 3 of crafted.jsonl is bad');
    noStack(refused);
    expect(await contents(db.url, ['alice', 'bob', 'carol'])).toEqual({ alice: [], bob: [], carol: [] });
    const ok = await runCli(['import', 'clean.jsonl', '--strict'], pgEnv(db.url), cwd);
    expect(ok.stdout).toContain('import: read 2, written 2, skipped 0, bad 0, failed 0');
    expect(ok.code).toBe(0);
    const again = await runCli(['import', 'clean.jsonl'], pgEnv(db.url), cwd);
    expect(again.stdout).toContain('import: read 2, written 0, skipped 2, bad 0, failed 0');
    expect(again.code).toBe(0);
  });

  it('--user imports only that user: lines of other users are skipped, never written to anyone', async () => {
    const db = await database('import_user');
    const cwd = await workdir({
      'mixed.jsonl': [HEADER, line('alice', 'a1'), line('bob', 'b1'), line('bob', 'b2'), line('alice', 'a2')].join(
        '\n',
      ),
    });
    const run = await runCli(['import', 'mixed.jsonl', '--user', 'alice'], pgEnv(db.url), cwd);
    expect(run.stdout).toContain('import: read 4, written 2, skipped 2, bad 0, failed 0');
    expect(run.stdout).toContain('2 of other users');
    expect(run.code).toBe(0);
    expect(await contents(db.url, ['alice', 'bob'])).toEqual({ alice: ['a1', 'a2'], bob: [] });
  });

  it('a different conversation already there is a conflict left as it is: exit 3', async () => {
    const db = await database('import_conflict');
    const cwd = await workdir({
      'one.jsonl': [HEADER, line('alice', 'a1')].join('\n'),
      'other.jsonl': [HEADER, line('alice', 'a1', 'something else')].join('\n'),
    });
    expect((await runCli(['import', 'one.jsonl'], pgEnv(db.url), cwd)).code).toBe(0);
    const run = await runCli(['import', 'other.jsonl'], pgEnv(db.url), cwd);
    expect(run.stderr).toContain(
      'line 2: conflict (alice / a1): a different conversation with this id exists; left as it is',
    );
    expect(run.stdout).toContain('import: read 1, written 0, skipped 1, bad 0, failed 0');
    expect(run.code).toBe(3);
  });
});

async function seed(url: string, users: number, perUser: number): Promise<void> {
  const store = createPostgresStore({ connectionString: url });
  try {
    for (let u = 0; u < users; u++) {
      for (let c = 0; c < perUser; c++) {
        await store.upsert({
          id: `conv-${c}`,
          userId: `user-${String(u).padStart(3, '0')}`,
          messages: [{ id: `m${c}`, role: 'user', parts: [{ type: 'text', text: `q ${u}/${c}` }] }],
        });
      }
    }
  } finally {
    await store.close();
  }
}

async function migrated(label: string): Promise<TestDatabase> {
  const db = await database(label);
  const store = createPostgresStore({ connectionString: db.url });
  await store.migrate();
  await store.close();
  return db;
}

/** Makes the destination refuse these conversations, as a flaky backend would (a real error from the real server). */
async function injectFailures(db: TestDatabase, failing: [string, string][]): Promise<void> {
  const cases = failing.map(([u, id]) => `(NEW.user_id = '${u}' AND NEW.id = '${id}')`).join(' OR ');
  await db.pool
    .query(`CREATE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF ${cases} THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER inject_failure BEFORE INSERT ON agent_conversations.agent_conversations FOR EACH ROW EXECUTE FUNCTION inject_failure();`);
}

const envFiles = (a: TestDatabase, b: TestDatabase): Record<string, string> => ({
  'a.env': `AGENT_CONVERSATION_PERSISTENCE=true\nDATABASE_URL=${a.url}\n`,
  'b.env': `AGENT_CONVERSATION_PERSISTENCE=true\nDATABASE_URL=${b.url}\n`,
});

describe('copy between two real Postgres databases', () => {
  it('interrupted, with injected failures: the resumed copy says so, retries the failures, and ends with everything copied', async () => {
    const [a, b] = [await database('copyfail_a'), await migrated('copyfail_b')];
    await seed(a.url, 30, 3);
    await injectFailures(b, [
      ['user-003', 'conv-1'],
      ['user-007', 'conv-2'],
    ]);
    const cwd = await workdir(envFiles(a, b));
    const args = ['copy', '--from-env', 'a.env', '--to-env', 'b.env', '--all'];
    const stateFile = join(cwd, '.agent-conversations-copy.json');

    // Kill -9 once the checkpoint says ten users are done.
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '' } });
      const timer = setInterval(() => {
        readFile(stateFile, 'utf8').then(
          (text) => {
            if ((JSON.parse(text) as { lastUser: string }).lastUser >= 'user-009') child.kill('SIGKILL');
          },
          () => undefined,
        );
      }, 20);
      child.on('close', () => resolve(clearInterval(timer)));
    });
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as {
      lastUser: string;
      failures: { userId: string; id: string }[];
    };
    expect(state.lastUser < 'user-029').toBe(true);
    expect(state.failures.map((f) => `${f.userId}/${f.id}`)).toEqual(['user-003/conv-1', 'user-007/conv-2']);

    // Still failing: the resumed run retries them, fails again, keeps them for the next run and exits 1.
    const stillFailing = await runCli(args, {}, cwd);
    expect(stillFailing.stderr).toContain(
      `resuming the copy from .agent-conversations-copy.json: ${Number(state.lastUser.slice(5)) + 1} users done (up to ${state.lastUser}), retrying 2 conversations that failed before`,
    );
    expect(stillFailing.stdout).toMatch(/failed 2\n {2}failed user-003 \/ conv-1: STORAGE: .*injected failure/);
    expect(stillFailing.stdout).toContain('run the same command again to retry the 2 failed conversations');
    expect(stillFailing.code).toBe(1);

    // The backend recovers: the next run retries both, copies them, and the closing check passes.
    await b.pool.query('DROP TRIGGER inject_failure ON agent_conversations.agent_conversations');
    const resumed = await runCli(args, {}, cwd);
    expect(resumed.stderr).toContain('retrying 2 conversations that failed before');
    // The user being copied when the process was killed is done again: what had landed is skipped as identical.
    const [, copied, skipped] =
      /copy postgres -> postgres: users 30, copied (\d+), skipped (\d+) \(already there\), conflicts 0, failed 0/.exec(
        resumed.stdout,
      ) ?? [];
    expect(Number(copied) + Number(skipped)).toBe(90);
    expect(resumed.stdout).toContain(
      'closing check: all 2 source conversations checked in this run are in the destination with the same id and version',
    );
    expect(resumed.code).toBe(0);
    await expect(readFile(stateFile)).rejects.toMatchObject({ code: 'ENOENT' });

    // A fresh full copy checks every conversation: all there, all equal.
    const again = await runCli([...args, '--restart'], {}, cwd);
    expect(again.stdout).toContain('copied 0, skipped 90 (already there), conflicts 0, failed 0');
    expect(again.stdout).toContain('closing check: all 90 source conversations');
    expect(again.code).toBe(0);
  });

  it('the closing check compares ids and versions: a copy that landed with another version fails it although the counts match', async () => {
    const [a, b] = [await database('copycheck_a'), await migrated('copycheck_b')];
    await seed(a.url, 2, 2);
    // The destination silently changes one conversation's updatedAt on insert.
    await b.pool
      .query(`CREATE FUNCTION shift_time() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.user_id = 'user-001' AND NEW.id = 'conv-0' THEN NEW.updated_at := NEW.updated_at + 1; END IF; RETURN NEW; END $$;
      CREATE TRIGGER shift_time BEFORE INSERT ON agent_conversations.agent_conversations FOR EACH ROW EXECUTE FUNCTION shift_time();`);
    const cwd = await workdir(envFiles(a, b));
    const run = await runCli(['copy', '--from-env', 'a.env', '--to-env', 'b.env', '--all'], {}, cwd);
    expect(run.stdout).toContain('copied 4, skipped 0 (already there), conflicts 0, failed 0');
    expect(run.stdout).toMatch(
      /check FAILED user-001 \/ conv-0: source has updatedAt (\d+), 1 messages, destination updatedAt \d+, 1 messages/,
    );
    expect(run.stdout).toContain('closing check: 1 of 4 source conversations are missing or differ in the destination');
    expect(run.code).toBe(1);
  });

  it('a conversation that differs in the destination is left as it is: exit 3', async () => {
    const [a, b] = [await database('copyconf_a'), await migrated('copyconf_b')];
    await seed(a.url, 1, 2);
    const store = createPostgresStore({ connectionString: b.url });
    await store.upsert({ id: 'conv-1', userId: 'user-000', messages: [{ id: 'x', role: 'user', content: 'mine' }] });
    await store.close();
    const cwd = await workdir(envFiles(a, b));
    const run = await runCli(['copy', '--from-env', 'a.env', '--to-env', 'b.env', '--user', 'user-000'], {}, cwd);
    expect(run.stdout).toContain('copied 1, skipped 0 (already there), conflicts 1, failed 0');
    expect(run.stdout).toContain(
      'conflict user-000 / conv-1: a different conversation with this id exists in the destination; left as it is',
    );
    expect(run.code).toBe(3);
  });
});

describe('a target that does not persist', () => {
  it('is refused, naming the mistyped variable; --allow-memory lets it run', async () => {
    const db = await database('typo');
    const cwd = await workdir({ 'one.jsonl': [HEADER, line('alice', 'a1')].join('\n') });
    await writeFile(join(cwd, 'typo.env'), `AGENT_CONVERSATION_PERSISTENCE=true\nDATABSE_URL=${db.url}\n`);
    const env = { AGENT_CONVERSATION_PERSISTENCE: 'true', DATABSE_URL: db.url };
    const refused = await runCli(['import', 'one.jsonl'], env, cwd);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CONFIG: the import target (the environment) resolves to memory');
    expect(refused.stderr).toContain('Probably mistyped: DATABSE_URL (did you mean DATABASE_URL?)');
    expect(refused.stderr).toContain('--allow-memory');
    noStack(refused);
    expect(refused.stderr).not.toContain(new URL(db.url).password);

    const copy = await runCli(['copy', '--from-env', 'typo.env', '--to-env', 'typo.env', '--all'], {}, cwd);
    expect(copy.code).toBe(1);
    expect(copy.stderr).toContain('CONFIG: the copy source (typo.env) resolves to memory');
    expect(copy.stderr).toContain('DATABSE_URL (did you mean DATABASE_URL?)');

    const allowed = await runCli(['import', 'one.jsonl', '--allow-memory'], env, cwd);
    expect(allowed.stdout).toContain('import: read 1, written 1');
    expect(allowed.code).toBe(0);
  });
});
