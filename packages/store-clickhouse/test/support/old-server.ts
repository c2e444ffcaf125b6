import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { OLD_CLICKHOUSE, findBinary, missingMessage, requireBinary } from '@agent-conversations/test-binaries';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why the old server cannot run (Debian 12's clickhouse-server 18.16 is not installed), in one line; null when it can. */
export const OLD_SERVER_MISSING = findBinary(OLD_CLICKHOUSE) ? null : missingMessage(OLD_CLICKHOUSE);

/** A running server on a loopback port in a temp dir, with user `app` / the given password. */
export interface OldServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A free loopback port (nothing listens on it once this resolves). */
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

async function waitForPing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`clickhouse-server exited with ${child.exitCode}: ${log()}`);
    try {
      if ((await fetch(`${url}/ping`)).ok) return;
    } catch {
      // Not listening yet: try again shortly.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`clickhouse-server did not answer /ping: ${log()}`);
}

/** Starts Debian's clickhouse-server on 127.0.0.1 in a fresh temp dir. */
export async function startOldServer(password: string): Promise<OldServer> {
  // Debian 12's clickhouse-server package (18.16, which `npm test`'s pretest installs when run as root): too old for this
  // store, used to prove it is refused clearly.
  const binary = requireBinary(OLD_CLICKHOUSE);
  const dir = mkdtempSync(join(tmpdir(), 'ac-ch18-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?><yandex>
  <logger><level>warning</level><console>1</console></logger>
  <http_port>${port}</http_port><listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path><format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
</yandex>`,
  );
  writeFileSync(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?><yandex><profiles><default></default></profiles>
  <users><app><password>${password}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></app></users>
  <quotas><default></default></quotas></yandex>`,
  );
  let output = '';
  const child = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL'); // a throwaway server in a temp dir: no need to wait for a clean shutdown
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, child, () => output.slice(-2000));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, stop };
}
