import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway PostgreSQL server on a loopback port, in a temp dir. */
export interface PgServer {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  password: string;
  /** Stops the server (fast shutdown: open connections are terminated). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes its files. */
  destroy(): Promise<void>;
}

/** The directory of initdb/pg_ctl: `pg_config --bindir`, else the newest /usr/lib/postgresql/<v>/bin. */
export async function findPgBin(): Promise<string> {
  const candidates: string[] = [];
  try {
    candidates.push((await run('pg_config', ['--bindir'])).stdout.trim());
  } catch {
    candidates.push(''); // pg_config is not installed; look in the Debian location below
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, 'bin')));
  }
  const found = candidates.find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found; install them (apt-get install -y postgresql) or set DATABASE_URL');
  return found;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['postgres']);
  const uid = /uid=(\d+)/.exec(stdout)?.[1];
  const gid = /gid=(\d+)/.exec(stdout)?.[1];
  if (!uid || !gid) throw new Error('running as root needs the "postgres" OS user (installed with the postgresql package) to run initdb');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Starts a throwaway server. `durable: false` (default) turns fsync off, which is fine for tests. */
export async function startPgServer(options: { durable?: boolean; settings?: string[] } = {}): Promise<PgServer> {
  const bin = await findPgBin();
  const dir = await mkdtemp(join(tmpdir(), 'agent-conversations-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  await writeFile(join(dir, 'pwfile'), `${password}\n`);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    await chown(dir, uid, gid);
    await chown(join(dir, 'pwfile'), uid, gid);
  }
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  await exec('initdb', ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--auth-host=scram-sha-256', '--auth-local=trust', `--pwfile=${join(dir, 'pwfile')}`, '--no-sync']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${dir}'`,
    '-c max_connections=300',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ...(options.settings ?? []).map((s) => `-c ${s}`),
  ].join(' ');
  let running = false;
  const start = async (): Promise<void> => {
    try {
      await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
    } catch (error) {
      const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '(no server log)');
      throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log.slice(-2000)}`);
    }
    running = true;
  };
  const stop = async (): Promise<void> => {
    if (!running) return;
    await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    running = false;
  };
  await start();
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    password,
    start,
    stop,
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
