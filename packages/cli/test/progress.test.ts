import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin, pgEnv, runCli, workdir, testDatabases } from './support.js';

const database = testDatabases();

const HEADER = '{"format":"agent-conversations","version":1}';
const file = [
  HEADER,
  ...Array.from({ length: 300 }, (_, i) =>
    JSON.stringify({ id: `c${i}`, userId: `u${i % 7}`, messages: [{ id: 'm', role: 'user', content: `hi ${i}` }] }),
  ),
].join('\n');

/** Runs the CLI inside a pseudo-terminal (util-linux `script`), as a user at a terminal sees it. */
function inTerminal(args: string[], env: Record<string, string>, cwd: string): Promise<string> {
  // Deno turns a spawn of its own binary into `deno run -A`, but not a shell command line: say it there, else it prompts for permissions.
  const runtime = 'Deno' in globalThis ? [process.execPath, 'run', '-A'] : [process.execPath];
  const command = [...runtime, bin, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    execFile(
      'script',
      ['-qec', command, '/dev/null'],
      { cwd, env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env } },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

describe('progress', () => {
  it('a bar with percentage, total, rate and ETA on a terminal; plain lines otherwise', async () => {
    const [a, b] = [await database('progress_a'), await database('progress_b')];
    const cwd = await workdir({ 'big.jsonl': file });
    const tty = await inTerminal(['import', 'big.jsonl'], pgEnv(a.url), cwd);
    expect(tty).toMatch(/█+░* \d+% \| [\d.]+\/[\d.]+ MB \| [\d.]+ MB\/s \| (ETA \S+|done)/);
    expect(tty).toMatch(/█{24} 100% \| [\d.]+\/[\d.]+ MB \| [\d.]+ MB\/s \| done \| 300 written/);
    expect(tty).toContain('\r');
    expect(tty).toContain('import: read 300, written 300');

    const plain = await runCli(
      ['copy', '--from-env', 'a.env', '--to-env', 'b.env', '--all'],
      {},
      await workdir({
        'a.env': `AGENT_CONVERSATION_PERSISTENCE=true\nDATABASE_URL=${a.url}\n`,
        'b.env': `AGENT_CONVERSATION_PERSISTENCE=true\nDATABASE_URL=${b.url}\n`,
      }),
    );
    const lines = plain.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^progress: 0% \| 0\/7 users \| [\d.]+ users\/s \| ETA \S+$/);
    expect(lines.at(-1)).toMatch(
      /^progress: 100% \| 7\/7 users \| [\d.]+ users\/s \| done \| u6: copied 300, skipped 0, failed 0$/,
    );
    expect(plain.stderr).not.toMatch(/\r|\x1b/);
    expect(plain.code).toBe(0);
  });
});
