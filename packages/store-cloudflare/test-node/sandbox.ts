import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { run } from '../src/cli/run.js';
import { installFakeWrangler } from './fake-wrangler.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A temp app directory with one fixture config, a stand-in wrangler on PATH, and a way to run the CLI in it. */
export interface Sandbox {
  dir: string;
  /** The config file path inside dir. */
  config: string;
  read(): string;
  /** Argument lists the stand-in wrangler was called with. */
  wranglerCalls(): string[][];
  cli(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): void;
}

/** Env without any variable the commands read, so the developer's shell cannot change results. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CONVERSATIONS_D1_DATABASE_ID;
  delete env.AGENT_CONVERSATIONS_D1_DATABASE_ID;
  return { ...env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
}

/** Copies `fixture` (a file in test-node/fixtures) into a fresh temp dir as `as` (default: its own name). */
export function sandbox(fixture: string, as = basename(fixture).replace(/^with-other-db/, 'wrangler')): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'cf-cli-'));
  const config = join(dir, as);
  copyFileSync(join(fixtures, fixture), config);
  const bin = join(dir, '.bin');
  const log = join(dir, 'wrangler-calls.jsonl');
  installFakeWrangler(bin, log);
  return {
    dir,
    config,
    read: () => readFileSync(config, 'utf8'),
    wranglerCalls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as string[])
        : [],
    async cli(args, env = {}) {
      let stdout = '';
      let stderr = '';
      const base = cleanEnv();
      const code = await run(args, {
        cwd: dir,
        env: { ...base, PATH: `${bin}${delimiter}${base.PATH ?? ''}`, ...env },
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
      });
      return { code, stdout, stderr };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The fixture's text. */
export function fixture(name: string): string {
  return readFileSync(join(fixtures, name), 'utf8');
}

/** `open(fixture)` for one test file: every sandbox it opens is removed after its test. */
export function sandboxes(): (fixture: string) => Sandbox {
  const boxes: Sandbox[] = [];
  afterEach(() => boxes.splice(0).forEach((b) => b.remove()));
  return (name) => {
    const box = sandbox(name);
    boxes.push(box);
    return box;
  };
}
