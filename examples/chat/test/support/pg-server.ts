// A throwaway PostgreSQL for the demo's restart test, the minimal part of the approach of
// packages/store-postgres/test/support/pg-server.ts: initdb + pg_ctl from /usr/lib/postgresql/<v>/bin
// (as the postgres OS user when running as root), on a free loopback port, in a temp dir.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running throwaway server. */
export interface PgServer {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  password: string;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<v>/bin holding initdb and pg_ctl, or null. */
export function findPgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  const dir = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
  return dir ?? null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts a throwaway server (fsync off: only the demo server restarts in the test, not Postgres). */
export async function startPgServer(): Promise<PgServer> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install -y postgresql), and DATABASE_URL is not set');
  const dir = await mkdtemp(join(tmpdir(), 'chat-demo-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  await writeFile(join(dir, 'pwfile'), `${password}\n`);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['postgres']);
    const [uid, gid] = [/uid=(\d+)/.exec(stdout)?.[1], /gid=(\d+)/.exec(stdout)?.[1]].map(Number);
    await chown(dir, uid!, gid!);
    await chown(join(dir, 'pwfile'), uid!, gid!);
  }
  const exec = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  await exec('initdb', ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--auth-host=scram-sha-256', '--auth-local=trust', `--pwfile=${join(dir, 'pwfile')}`, '--no-sync']);
  const port = await freePort();
  const settings = [`-p ${port}`, "-c listen_addresses='127.0.0.1'", `-c unix_socket_directories='${dir}'`, '-c fsync=off', '-c synchronous_commit=off'].join(' ');
  try {
    await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
  } catch (error) {
    const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '(no server log)');
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log.slice(-2000)}`);
  }
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    password,
    destroy: async () => {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
