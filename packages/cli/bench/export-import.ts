// Benchmark: export then import of 10,000 conversations x 20 messages vs. 100 conversations, through the
// real CLI against a real (throwaway) PostgreSQL. Prints peak RSS of each CLI process, the ratio, and
// throughput in conversations per second. Goal: peak RSS at 10,000 stays under 1.5x that at 100 (it streams).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, startPgServer, type TestDatabase } from '@agent-conversations/pg-test-server';
import { createPostgresStore } from '@agent-conversations/store-postgres';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const preload = new URL('./report-rss.mjs', import.meta.url).href;

async function seed(url: string, conversations: number): Promise<void> {
  const store = createPostgresStore({ connectionString: url }, { poolSize: 8 });
  const text = 'x'.repeat(200);
  const one = async (i: number): Promise<void> => {
    const messages = Array.from({ length: 20 }, (_, m) => ({
      id: `m${m}`,
      role: m % 2 ? 'assistant' : 'user',
      parts: [{ type: 'text', text: `${i}:${m} ${text}` }],
    }));
    await store.upsert({ id: `conv-${i}`, userId: `user-${String(i % 100).padStart(3, '0')}`, messages });
  };
  for (let i = 0; i < conversations; i += 16)
    await Promise.all(Array.from({ length: Math.min(16, conversations - i) }, (_, k) => one(i + k)));
  await store.close();
}

function measure(args: string[], url: string, cwd: string): Promise<{ rssKiB: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', preload, bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', AGENT_CONVERSATION_PERSISTENCE: 'true', DATABASE_URL: url },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = /maxrss_kib (\d+)/.exec(stderr);
      if (code !== 0 || !rss) reject(new Error(`agent-conversations ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ rssKiB: Number(rss[1]), seconds: (performance.now() - started) / 1000 });
    });
  });
}

async function round(
  adminUrl: string,
  conversations: number,
  cwd: string,
): Promise<{ exportRss: number; importRss: number; exportRate: number; importRate: number }> {
  const dbs: TestDatabase[] = [
    await createTestDatabase(adminUrl, `bench_src_${conversations}`),
    await createTestDatabase(adminUrl, `bench_dst_${conversations}`),
  ];
  try {
    await seed(dbs[0]!.url, conversations);
    const file = `export-${conversations}.jsonl`;
    const exported = await measure(['export', '--all', '--out', file], dbs[0]!.url, cwd);
    const imported = await measure(['import', file], dbs[1]!.url, cwd);
    return {
      exportRss: exported.rssKiB,
      importRss: imported.rssKiB,
      exportRate: conversations / exported.seconds,
      importRate: conversations / imported.seconds,
    };
  } finally {
    await Promise.all(dbs.map((db) => db.drop()));
  }
}

const server = process.env.DATABASE_URL ? undefined : await startPgServer();
const adminUrl = process.env.DATABASE_URL ?? server!.url;
const cwd = await mkdtemp(join(tmpdir(), 'acs-cli-bench-'));
try {
  const small = await round(adminUrl, 100, cwd);
  const large = await round(adminUrl, 10_000, cwd);
  const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
  console.log('conversations x 20 messages | export peak RSS | import peak RSS | export conv/s | import conv/s');
  for (const [n, r] of [
    [100, small],
    [10_000, large],
  ] as const) {
    console.log(
      `${String(n).padStart(27)} | ${mib(r.exportRss).padStart(15)} | ${mib(r.importRss).padStart(15)} | ${r.exportRate.toFixed(0).padStart(13)} | ${r.importRate.toFixed(0).padStart(13)}`,
    );
  }
  console.log(
    `peak RSS ratio 10,000 vs 100: export ${(large.exportRss / small.exportRss).toFixed(2)}x, import ${(large.importRss / small.importRss).toFixed(2)}x (goal < 1.5x)`,
  );
} finally {
  await rm(cwd, { recursive: true, force: true });
  await server?.destroy();
}
