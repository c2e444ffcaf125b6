/* Benchmark of the ClickHouse store on the real engine (chdb in-process, or CLICKHOUSE_URL). Prints ratios measured in one run. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChdbConnection } from 'chdb/connection';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import type { Message } from '@agent-conversations/core';
import { createClickHouseStore } from '../src/index.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const WRITERS = 50;
const APPENDS = 1000;

function message(i: number, prefix: string): Message {
  const text = `${prefix} message ${i}: ${'lorem ipsum dolor sit amet '.repeat(8)}`;
  return { id: `${prefix}-${i}`, role: i % 2 ? 'assistant' : 'user', parts: [{ type: 'text', text }] };
}
const list = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => message(i, prefix));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

async function rows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

async function blocks(client: ClickHouseClient, database: string, table: string): Promise<number> {
  const [row] = await rows<{ n: number | string }>(client, 'SELECT max(max_block_number) AS n FROM system.parts WHERE database = {d:String} AND table = {t:String} AND active', { d: database, t: table });
  return Number(row?.n ?? 0);
}

async function turnCost(client: ClickHouseClient, table: string, database: string) {
  const store = createClickHouseStore({ client }, { table: `${database}.${table}`, autoCreate: true });
  const lengths = [10, 1000] as const;
  for (const n of lengths) await store.upsert({ id: `len${n}`, userId: 'bench', messages: list(n, `len${n}`) });
  const append: Record<number, number[]> = { 10: [], 1000: [] };
  const upsert: Record<number, number[]> = { 10: [], 1000: [] };
  const bytes: Record<number, number> = { 10: 0, 1000: 0 };
  for (let i = 0; i < SAMPLES + 3; i++) {
    for (const n of lengths) {
      const [before] = await rows<{ s: number }>(client, `SELECT max(seq) AS s FROM ${database}.${table} WHERE conversation_id = {c:String}`, { c: `len${n}` });
      const ms = await timed(() => store.append('bench', `len${n}`, [message(i, `extra${n}`)]));
      if (i >= 3) append[n]!.push(ms);
      const [written] = await rows<{ b: number | string }>(client, `SELECT sum(byteSize(*)) AS b FROM ${database}.${table} WHERE conversation_id = {c:String} AND seq > {s:UInt64}`, { c: `len${n}`, s: before?.s ?? 0 });
      bytes[n] = Number(written?.b ?? 0);
    }
  }
  for (let i = 0; i < SAMPLES + 3; i++) {
    for (const n of lengths) {
      const current = (await store.get('bench', `len${n}`))!.messages;
      const ms = await timed(() => store.upsert({ id: `len${n}`, userId: 'bench', messages: [...current, message(i, `turn${n}`)] }));
      if (i >= 3) upsert[n]!.push(ms);
    }
  }
  return { append: [median(append[10]!), median(append[1000]!)], upsert: [median(upsert[10]!), median(upsert[1000]!)], bytes: [bytes[10]!, bytes[1000]!] };
}

async function concurrentWriters(client: ClickHouseClient, database: string) {
  const table = `${database}.concurrent`;
  const store = createClickHouseStore({ client }, { table, autoCreate: true });
  await store.upsert({ id: 'shared', userId: 'bench', messages: [] });
  const startBlocks = await blocks(client, database, 'concurrent');
  const perWriter = APPENDS / WRITERS;
  const appendMs = await timed(() =>
    Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await store.append('bench', 'shared', [message(i, `w${w}`)], { usage: { inputTokens: 1 } });
      }),
    ),
  );
  const appendParts = (await blocks(client, database, 'concurrent')) - startBlocks;
  const [{ s: lastSeq } = { s: 0 }] = await rows<{ s: number | string }>(client, `SELECT max(seq) AS s FROM ${table}`);
  const got = await store.get('bench', 'shared');
  if (got?.messageCount !== APPENDS || got.version !== APPENDS + 1 || got.usage?.inputTokens !== APPENDS) throw new Error(`lost writes: ${JSON.stringify({ ...got, messages: undefined })}`);
  // Append-only history: 'shared' now has 1000 appends (events) since its last head write; compare with 10.
  await store.upsert({ id: 'short', userId: 'bench', messages: [] });
  for (let i = 0; i < 10; i++) await store.append('bench', 'short', [message(i, 'short')], { usage: { inputTokens: 1 } });
  const long: number[] = [];
  const short: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    long.push(await timed(() => store.append('bench', 'shared', [message(i, 'late')], { usage: { inputTokens: 1 } })));
    short.push(await timed(() => store.append('bench', 'short', [message(i, 'late')], { usage: { inputTokens: 1 } })));
  }
  // The same rows (1000 messages + 1000 events) in one bare INSERT into an empty copy of the table.
  const written = await rows<Record<string, unknown>>(client, `SELECT * FROM ${table} WHERE kind != 0 AND conversation_id = 'shared' AND seq <= {s:UInt64}`, { s: lastSeq });
  await client.command({ query: `CREATE TABLE ${database}.bare AS ${table}` });
  const bareMs = await timed(() => client.insert({ table: `${database}.bare`, values: written, format: 'JSONEachRow', clickhouse_settings: { async_insert: 0, insert_deduplication_token: '' } }));
  const bareParts = await blocks(client, database, 'bare');
  return { appendMs, appendParts, bareMs, bareParts, rows: written.length, appendOnly: [median(short), median(long)] };
}

async function main(): Promise<void> {
  const http = process.env.CLICKHOUSE_URL;
  const dir = http ? undefined : mkdtempSync(join(tmpdir(), 'ac-bench-'));
  const connection = dir ? (createChdbConnection({ path: dir }) as unknown as ClickHouseClientConfigOptions['connection']) : undefined;
  const client = connection ? createClient({ connection }) : createClient({ url: http, username: process.env.CLICKHOUSE_USER, password: process.env.CLICKHOUSE_PASSWORD });
  const database = `ac_bench_${Date.now()}`;
  await client.command({ query: `CREATE DATABASE ${database}` });
  try {
    const [version] = await rows<{ v: string }>(client, 'SELECT version() AS v');
    console.log(`engine: ${http ? 'ClickHouse server over HTTP' : 'chdb (in-process ClickHouse)'} ${version?.v}; ${SAMPLES} samples per median`);
    const turn = await turnCost(client, 'turns', database);
    const ratio = turn.append[1]! / turn.append[0]!;
    console.log(`append, length 10:    ${turn.append[0]!.toFixed(1)} ms median, ${turn.bytes[0]} bytes written`);
    console.log(`append, length 1000:  ${turn.append[1]!.toFixed(1)} ms median, ${turn.bytes[1]} bytes written`);
    console.log(`append ratio 1000/10: ${ratio.toFixed(2)} (goal <= 1.3) ${ratio <= 1.3 ? 'OK' : 'OVER'}`);
    console.log(`upsert turn (whole list + 1), 10 vs 1000: ${turn.upsert[0]!.toFixed(1)} / ${turn.upsert[1]!.toFixed(1)} ms, ratio ${(turn.upsert[1]! / turn.upsert[0]!).toFixed(2)} (reads 1000 fingerprints, writes 3 rows)`);
    const c = await concurrentWriters(client, database);
    console.log(`${APPENDS} appends from ${WRITERS} concurrent writers: ${c.appendMs.toFixed(0)} ms, ${c.appendParts} parts created`);
    console.log(`same ${c.rows} rows in one bare INSERT:  ${c.bareMs.toFixed(1)} ms, ${c.bareParts} part created`);
    console.log(`concurrent appends / bare insert: ${(c.appendMs / c.bareMs).toFixed(1)}x time, ${c.appendParts} vs ${c.bareParts} parts`);
    const [short, long] = c.appendOnly;
    console.log(`append-only history, append after 1000 vs 10 appends: ${long!.toFixed(1)} / ${short!.toFixed(1)} ms, ratio ${(long! / short!).toFixed(2)}`);
  } finally {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
