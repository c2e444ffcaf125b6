import { spawn } from 'node:child_process';

/** Where a command runs and writes; tests pass their own. */
export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** A failure the user can fix; printed as `error: message` with exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** The result of one wrangler run. */
export interface WranglerResult {
  code: number;
  output: string;
}

/** Runs the project's `wrangler` (found on PATH, as npm scripts and npx set it up), echoing its output. */
export function runWrangler(args: readonly string[], io: CliIo): Promise<WranglerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrangler', args, {
      cwd: io.cwd,
      env: io.env,
      stdio: ['inherit', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      io.stdout.write(chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      io.stderr.write(chunk.toString());
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new CliError(
              'wrangler is not on PATH: install it in your project (npm install -D wrangler) and run this command through npx or an npm script',
            )
          : error,
      );
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
