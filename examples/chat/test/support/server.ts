import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { fileURLToPath } from 'node:url';

/** The example's folder (the server's working directory). */
export const EXAMPLE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** A running demo server. */
export interface DemoServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Stops it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Only what the server needs, so a DATABASE_URL or NODE_ENV of the test run never leaks into a server by accident. */
function serverEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: '0', ...env };
}

function spawnServer(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: EXAMPLE_DIR,
    env: serverEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

/** Starts `src/server/main.ts` (as `npm start` does, after the build) on a free loopback port. */
export function startServer(env: Record<string, string> = {}): Promise<DemoServer> {
  const { child, output } = spawnServer(env);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = (): void => {
      const match = /Open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output());
      if (!match) return;
      child.stdout!.off('data', onData);
      resolve({
        url: match[1]!,
        output,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output()}`)));
  });
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { child, output } = spawnServer(env);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output: output() })));
}

/** Starts a demo server and a Chromium before the file's tests and stops both after; read them off the returned object. */
export function useDemo(env: Record<string, string> = {}): { readonly server: DemoServer; readonly browser: Browser } {
  const demo = {} as { server: DemoServer; browser: Browser };
  beforeAll(async () => {
    [demo.server, demo.browser] = await Promise.all([startServer(env), launchBrowser()]);
  });
  afterAll(async () => {
    await demo.browser?.close();
    await demo.server?.stop();
  });
  return demo;
}
