import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPostgresStore } from '@agent-conversations/store-postgres';
import { describe, expect, it } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import { pgEnv, runCli, workdir, testDatabases } from './support.js';

const database = testDatabases();

const HEADER = '{"format":"agent-conversations","version":1}';
const line = (userId: string, id: string): string =>
  JSON.stringify({
    id,
    userId,
    title: `${id} title`,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_500,
    messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: `hi ${userId}` }] }],
  });

const WRANGLER = `{
  // A Worker with the D1 binding the resolver looks for; the CLI reaches it through wrangler's getPlatformProxy.
  "name": "cli-d1-test",
  "compatibility_date": "2026-04-26",
  "d1_databases": [{ "binding": "CONVERSATIONS_D1", "database_name": "conversations", "database_id": "00000000-0000-4000-8000-0000000000aa" }],
  "vars": { "AGENT_CONVERSATION_PERSISTENCE": "true" }
}
`;

/** Runs SQL on the local D1 of a workdir from this process (the CLI is not running meanwhile). */
async function d1Exec(cwd: string, sql: string): Promise<void> {
  const proxy = await getPlatformProxy<{ CONVERSATIONS_D1: { exec(sql: string): Promise<unknown> } }>({
    configPath: join(cwd, 'wrangler.jsonc'),
    persist: { path: join(cwd, '.wrangler/state/v3') },
  });
  try {
    await proxy.env.CONVERSATIONS_D1.exec(sql);
  } finally {
    await proxy.dispose();
  }
}

async function seed(url: string, users: number, perUser: number): Promise<void> {
  const store = createPostgresStore({ connectionString: url });
  try {
    for (let u = 0; u < users; u++) {
      for (let c = 0; c < perUser; c++) {
        await store.upsert({
          id: `conv-${c}`,
          userId: `user-${u}`,
          metadata: { n: c },
          messages: [{ id: `m${c}`, role: 'user', parts: [{ type: 'text', text: `q ${u}/${c} 😀` }] }],
        });
      }
    }
  } finally {
    await store.close();
  }
}

// Wrangler offline: no metrics, no fetch of the request.cf object.
const OFFLINE = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const SLOW = 400_000; // every CLI run starts workerd; the machine is shared

describe.sequential('a local D1 through wrangler getPlatformProxy', () => {
  let cwd = '';
  const d1 = ['--env-file', 'wrangler.jsonc'];

  it(
    'doctor fails on the unmigrated database, migrate applies the schema, then doctor passes',
    { timeout: SLOW },
    async () => {
      cwd = await workdir({ 'wrangler.jsonc': WRANGLER });

      const unmigrated = await runCli(['doctor', ...d1], OFFLINE, cwd);
      expect(unmigrated.stdout).toMatch(/conversation store: d1 \(auto: d1 is the first configured backend\)/);
      expect(unmigrated.stdout).toMatch(/FAIL .*schema/);
      expect(unmigrated.code).toBe(1);
      const migrated = await runCli(['migrate', ...d1], OFFLINE, cwd);
      expect(migrated.stdout).toMatch(/migrated d1 schema from version 0 to \d+/);
      expect(migrated.code).toBe(0);
      const ready = await runCli(['doctor', ...d1], OFFLINE, cwd);
      expect(ready.stdout).toContain('doctor: ready: the app would start on d1');
      expect(ready.code).toBe(0);
    },
  );

  it(
    'imports a crafted file (BOM, null and broken lines, another user) and exports what landed',
    { timeout: SLOW },
    async () => {
      await writeFile(
        join(cwd, 'crafted.jsonl'),
        [`\uFEFF${HEADER}`, line('alice', 'a1'), 'null', '{"id":', line('bob', 'b1'), line('alice', 'a2')].join('\n'),
      );
      const imported = await runCli(['import', 'crafted.jsonl', '--user', 'alice', ...d1], OFFLINE, cwd);
      expect(imported.stderr).toContain('line 3: bad: expected a conversation object, got null');
      expect(imported.stderr).toMatch(/line 4: bad: not JSON/);
      expect(imported.stdout).toContain('import: read 5, written 2, skipped 1, bad 2, failed 0');
      expect(imported.code).toBe(1);
      const exported = await runCli(['export', '--all', ...d1], OFFLINE, cwd);
      expect(exported.code).toBe(0);
      expect(exported.stdout).toBe(`${[HEADER, line('alice', 'a2'), line('alice', 'a1')].join('\n')}\n`);
    },
  );

  it(
    'copies Postgres -> D1 with injected failures retried on resume, then D1 -> Postgres byte-identically',
    { timeout: SLOW },
    async () => {
      // Postgres -> D1 with two injected failures (a trigger in the D1 database), then D1 -> Postgres: byte-identical.
      const [a, b] = [await database('d1_src'), await database('d1_dst')];
      await seed(a.url, 5, 3);
      await writeFile(join(cwd, 'a.env'), `AGENT_CONVERSATION_PERSISTENCE=true\nDATABASE_URL=${a.url}\n`);
      await writeFile(join(cwd, 'b.env'), `AGENT_CONVERSATION_PERSISTENCE=true\nDATABASE_URL=${b.url}\n`);
      await d1Exec(
        cwd,
        "CREATE TRIGGER inject_failure BEFORE INSERT ON agent_conversations WHEN NEW.user_id = 'user-2' AND NEW.id IN ('conv-0', 'conv-2') BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
      );
      const toD1 = ['copy', '--from-env', 'a.env', '--to-env', 'wrangler.jsonc', '--all'];
      const failing = await runCli(toD1, OFFLINE, cwd);
      expect(failing.stdout).toContain(
        'copy postgres -> d1: users 5, copied 13, skipped 0 (already there), conflicts 0, failed 2',
      );
      expect(failing.code).toBe(1);
      await d1Exec(cwd, 'DROP TRIGGER inject_failure;');
      const resumed = await runCli(toD1, OFFLINE, cwd);
      expect(resumed.stderr).toContain(
        'resuming the copy from .agent-conversations-copy.json: 5 users done (up to user-4), retrying 2 conversations that failed before',
      );
      expect(resumed.stdout).toContain(
        'copy postgres -> d1: users 5, copied 15, skipped 0 (already there), conflicts 0, failed 0',
      );
      expect(resumed.code).toBe(0);

      const back = await runCli(
        [
          'copy',
          '--from-env',
          'wrangler.jsonc',
          '--to-env',
          'b.env',
          '--user',
          'user-0',
          '--user',
          'user-1',
          '--user',
          'user-2',
          '--user',
          'user-3',
          '--user',
          'user-4',
        ],
        OFFLINE,
        cwd,
      );
      expect(back.stdout).toContain('copy d1 -> postgres: users 5, copied 15');
      expect(back.code).toBe(0);
      const [source, copy] = [
        await runCli(['export', '--all'], pgEnv(a.url), cwd),
        await runCli(['export', '--all'], pgEnv(b.url), cwd),
      ];
      expect(source.stdout.split('\n')).toHaveLength(1 + 15 + 1);
      expect(copy.stdout).toBe(source.stdout);
      expect(await readFile(join(cwd, 'wrangler.jsonc'), 'utf8')).toBe(WRANGLER);
    },
  );
});
