import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, unprivilegedUser } from '@agent-conversations/pg-test-server';
import { PGBOUNCER as PGBOUNCER_BINARY, findBinary, missingMessage } from '@agent-conversations/test-binaries';

const run = promisify(execFile);

/** The pgbouncer binary (Debian package `pgbouncer`, which `npm test`'s pretest installs when run as root), or null. */
export const PGBOUNCER = findBinary(PGBOUNCER_BINARY);

/** Why the PgBouncer tests cannot run, in one line. */
export const PGBOUNCER_MISSING = missingMessage(PGBOUNCER_BINARY);

/** A PgBouncer in transaction mode in front of a test server. */
export interface PgBouncer {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/<database>?pgbouncer=true */
  url: string;
  stop(): Promise<void>;
}

/** Starts PgBouncer (pool_mode = transaction, 4 server connections) in front of the server of `serverUrl`, for `database`. */
export async function startPgBouncer(serverUrl: string, database: string): Promise<PgBouncer> {
  const server = new URL(serverUrl);
  const [user, password] = [decodeURIComponent(server.username), decodeURIComponent(server.password)];
  if (!PGBOUNCER) throw new Error(PGBOUNCER_MISSING);
  const dir = await mkdtemp(join(tmpdir(), 'agent-conversations-pgbouncer-'));
  const port = await freePort();
  const pidfile = join(dir, 'pgbouncer.pid');
  await writeFile(join(dir, 'userlist.txt'), `"${user}" "${password}"\n`);
  await writeFile(
    join(dir, 'pgbouncer.ini'),
    `[databases]
* = host=${server.hostname} port=${server.port || 5432} user=${user} password=${password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = ${join(dir, 'userlist.txt')}
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
logfile = ${join(dir, 'pgbouncer.log')}
pidfile = ${pidfile}
`,
  );
  // PgBouncer refuses to run as root.
  const runAs = process.getuid?.() === 0 ? await unprivilegedUser() : undefined;
  if (runAs)
    for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) await chown(join(dir, file), runAs.uid, runAs.gid);
  const args = ['-d', join(dir, 'pgbouncer.ini')];
  await (runAs ? run('runuser', ['-u', runAs.name, '--', PGBOUNCER, ...args]) : run(PGBOUNCER, args));
  let pid = 0;
  for (let i = 0; i < 100 && !pid; i++) {
    pid = Number((await readFile(pidfile, 'utf8').catch(() => '')).trim());
    if (!pid) await new Promise((r) => setTimeout(r, 50));
  }
  if (!pid)
    throw new Error(
      `pgbouncer did not start: ${await readFile(join(dir, 'pgbouncer.log'), 'utf8').catch(() => '(no log)')}`,
    );
  return {
    url: `postgresql://${server.username}:${server.password}@127.0.0.1:${port}/${database}?pgbouncer=true`,
    stop: async () => {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && existsSync(pidfile); i++) await new Promise((r) => setTimeout(r, 50));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
