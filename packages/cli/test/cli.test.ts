import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, workdir, testDatabases } from './support.js';

const database = testDatabases();

const appStart = fileURLToPath(new URL('./fixtures/app-start.mjs', import.meta.url));
/** Runs the documented app startup with only `env`: 0 when it starts, 1 when it refuses. */
function startApp(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [appStart],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
      },
    );
  });
}

describe('the command line', () => {
  it('--version prints the package version; unknown flags and misplaced options are one clean line and exit 2', async () => {
    const cwd = await workdir();
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const printed = await runCli(['--version'], {}, cwd);
    expect(printed).toMatchObject({ code: 0, stdout: `${version}\n` });
    for (const [args, message] of [
      [['export', '--al'], 'agent-conversations: unknown option --al'],
      [['import', 'x.jsonl', '--all'], 'agent-conversations: --all is not an option of import'],
      [['export', '--out'], "agent-conversations: Option '--out <value>' argument missing"],
      [['frobnicate'], 'agent-conversations: unknown command "frobnicate"'],
      [['export'], 'agent-conversations: choose the users: --user ID (repeatable) or --all'],
      [['import'], 'agent-conversations: import takes one FILE (the export to read)'],
    ] as const) {
      const run = await runCli([...args], {}, cwd);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toBe(`${message}\nRun agent-conversations --help for the commands and options.\n`);
    }
  });

  it('user errors are one line without a stack', async () => {
    const cwd = await workdir({ 'bad.env': 'this is not an env file\n' });
    const missing = await runCli(['import', 'nope.jsonl'], {}, cwd);
    expect(missing).toMatchObject({ code: 1, stderr: 'VALIDATION: cannot read nope.jsonl (ENOENT)\n' });
    const badEnv = await runCli(['doctor', '--env-file', 'bad.env'], {}, cwd);
    expect(badEnv).toMatchObject({ code: 1, stderr: 'CONFIG: env file line 1 is not KEY=value\n' });
  });
});

describe('doctor agrees with the app', () => {
  it('is non-zero exactly when the app refuses to start, or would run on memory or local while a backend variable is set', async () => {
    const db = await database('doctor_agree');
    const cwd = await workdir();
    const cases: { env: Record<string, string>; app: number; doctor: number; says: RegExp }[] = [
      { env: {}, app: 1, doctor: 1, says: /FAIL app start: the app would refuse to start/ },
      {
        env: { DATABASE_URL: db.url },
        app: 1,
        doctor: 1,
        says: /FAIL persistence: DATABASE_URL is set, but the app resolves to local/,
      },
      { env: { NODE_ENV: 'production' }, app: 1, doctor: 1, says: /FAIL app start/ },
      {
        env: { NODE_ENV: 'production', AGENT_CONVERSATION_PERSISTENCE: 'true' },
        app: 1,
        doctor: 1,
        says: /refuses to fall back to memory/,
      },
      {
        env: { AGENT_CONVERSATION_PERSISTENCE: 'true' },
        app: 0,
        doctor: 0,
        says: /doctor: the app would start on memory \(development only/,
      },
      {
        env: { AGENT_CONVERSATION_PERSISTENCE: 'true', DATABSE_URL: db.url },
        app: 0,
        doctor: 1,
        says: /FAIL variable names: DATABSE_URL is set; did you mean DATABASE_URL\?/,
      },
      {
        env: { AGENT_CONVERSATION_PERSISTENCE: 'true', CLICKHOUSE_HOST: 'http://127.0.0.1:1' },
        app: 0,
        doctor: 1,
        says: /FAIL persistence: CLICKHOUSE_HOST is set, but the app resolves to memory/,
      },
      {
        env: { AGENT_CONVERSATION_PERSISTENCE: 'true', DATABASE_URL: db.url },
        app: 0,
        doctor: 0,
        says: /doctor: ready: the app would start on postgres/,
      },
    ];
    for (const { env, app, doctor, says } of cases) {
      const [started, checked] = await Promise.all([startApp(env), runCli(['doctor'], env, cwd)]);
      const label = JSON.stringify(env);
      expect(started.code, `app with ${label}: ${started.output}`).toBe(app);
      expect(checked.code, `doctor with ${label}: ${checked.stdout}`).toBe(doctor);
      expect(checked.stdout, label).toMatch(says);
      if (app === 1) expect(checked.stdout).toContain('doctor: NOT ready: the app would refuse to start');
      // One redaction on every line: the URL shows as scheme://host:port wherever it appears, never its password.
      expect(checked.stdout).not.toContain(new URL(db.url).password);
      expect(checked.stdout).not.toContain('[redacted-url]');
      const migrate = await runCli(['migrate'], env, cwd);
      if (app === 1) expect(migrate.code, `migrate with ${label}`).toBe(1);
    }
  });
});
