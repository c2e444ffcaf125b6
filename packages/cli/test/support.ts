import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@agent-conversations/pg-test-server';
import { afterAll, inject } from 'vitest';

export const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Output and exit code of one CLI run in a child process, as a user runs it. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `agent-conversations ...args` with only the given env (plus PATH), in `cwd`. */
export function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temp working dir with the given env files written into it. */
export async function workdir(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'acs-cli-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** Env that points the resolver at a Postgres database. */
export function pgEnv(url: string): Record<string, string> {
  return { AGENT_CONVERSATION_PERSISTENCE: 'true', DATABASE_URL: url };
}

/** A fresh database on the test server per call, all dropped after the file's tests. */
export function testDatabases(): (label: string) => Promise<TestDatabase> {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.drop()));
  });
  return async (label) => {
    const db = await createTestDatabase(inject('pgUrl'), label);
    databases.push(db);
    return db;
  };
}
