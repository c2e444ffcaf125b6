/*
 * Benchmark of the ClickHouse store on the real engine (chdb in-process, or CLICKHOUSE_URL), with the two
 * baselines of the issue in the same run, samples interleaved so machine load falls on all of them alike:
 * - old pattern: one row per version holding the whole history (MergeTree, every version kept), argMax read;
 * - rows floor: plain message rows, ReplacingMergeTree ORDER BY (user, conversation, seq), FINAL read.
 * A turn loads every message, then saves 2 (480-byte messages). Prints medians, and each ratio as the median of
 * per-round ratios: within a round every pattern runs back to back, so a load spike on this shared machine
 * lands on both sides of a ratio instead of on whichever pattern it happened to hit.
 * Then message windows: the newest 50 messages of a 10,000-message conversation against all of a 50-message one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChdbConnection } from 'chdb/connection';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import type { Message } from '@agent-conversations/core';
import { createClickHouseStore } from '../src/index.js';
import { countQuery } from '../src/queries.js';
import { parseTableName } from '../src/table-name.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const WARMUP = 3;
const LENGTHS = [10, 100, 1000] as const;

function message(i: number, prefix: string): Message {
  const text = `${prefix} message ${i}: ${'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(7)}`.slice(
    0,
    400,
  );
  return { id: `${prefix}-${i}`, role: i % 2 ? 'assistant' : 'user', parts: [{ type: 'text', text }] };
}
const list = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => message(i, prefix));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One way of keeping a conversation: create it with L messages, then run turns (load all, save 2), timing the save on its own too. */
interface Pattern {
  name: string;
  create(id: string, messages: Message[]): Promise<void>;
  load(id: string): Promise<Message[]>;
  save(id: string, loaded: Message[], added: Message[]): Promise<void>;
}

async function rowsFloor(client: ClickHouseClient, database: string): Promise<Pattern> {
  const table = `${database}.rows_floor`;
  await client.command({
    query: `CREATE TABLE ${table} (user_id String, conversation_id String, seq UInt64, body String CODEC(ZSTD(1))) ENGINE = ReplacingMergeTree ORDER BY (user_id, conversation_id, seq)`,
  });
  const insert = (id: string, from: number, messages: Message[]) =>
    client.insert({
      table,
      format: 'JSONEachRow',
      values: messages.map((m, i) => ({
        user_id: 'bench',
        conversation_id: id,
        seq: from + i,
        body: JSON.stringify(m),
      })),
    });
  return {
    name: 'rows floor',
    create: (id, messages) => insert(id, 0, messages).then(() => undefined),
    async load(id) {
      const result = await client.query({
        query: `SELECT body FROM ${table} FINAL WHERE user_id = 'bench' AND conversation_id = {c:String} ORDER BY seq`,
        query_params: { c: id },
        format: 'JSONEachRow',
      });
      return (await result.json<{ body: string }>()).map((r) => JSON.parse(r.body) as Message);
    },
    save: (id, loaded, added) => insert(id, loaded.length, added).then(() => undefined),
  };
}

async function oldPattern(client: ClickHouseClient, database: string): Promise<Pattern> {
  const table = `${database}.old_pattern`;
  await client.command({
    query: `CREATE TABLE ${table} (user_id String, conversation_id String, version UInt64, messages String CODEC(ZSTD(1))) ENGINE = MergeTree ORDER BY (user_id, conversation_id, version)`,
  });
  const versions = new Map<string, number>();
  const insert = async (id: string, messages: Message[]) => {
    const version = (versions.get(id) ?? 0) + 1;
    await client.insert({
      table,
      format: 'JSONEachRow',
      values: [{ user_id: 'bench', conversation_id: id, version, messages: JSON.stringify(messages) }],
    });
    versions.set(id, version);
  };
  return {
    name: 'old pattern',
    create: insert,
    async load(id) {
      const result = await client.query({
        query: `SELECT argMax(messages, version) AS m, max(version) AS v FROM ${table} WHERE user_id = 'bench' AND conversation_id = {c:String}`,
        query_params: { c: id },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ m: string; v: string }>();
      versions.set(id, Number(row?.v ?? 0));
      return JSON.parse(row?.m ?? '[]') as Message[];
    },
    save: (id, loaded, added) => insert(id, [...loaded, ...added]),
  };
}

function store(client: ClickHouseClient, database: string, mode: 'append' | 'upsert'): Pattern {
  const s = createClickHouseStore({ client }, { table: `${database}.store`, autoCreate: true });
  return {
    name: `store, ${mode}`,
    create: (id, messages) => s.upsert({ id: `${mode}-${id}`, userId: 'bench', messages }).then(() => undefined),
    load: async (id) => (await s.get('bench', `${mode}-${id}`))!.messages,
    save: (id, loaded, added) =>
      (mode === 'append'
        ? s.append('bench', `${mode}-${id}`, added)
        : s.upsert({ id: `${mode}-${id}`, userId: 'bench', messages: [...loaded, ...added] })
      ).then(() => undefined),
  };
}

/**
 * The newest 50 messages of a 10,000-message conversation, and `get` of a 50-message one, interleaved. "window" is a store
 * that has seen the conversation (a get, list, write or window before: one read of the head and the range); "cold window"
 * a new store instance's first look at it (one query too, the count coming from a scalar subquery of the head); "count"
 * that subquery on its own, the read a cold window adds to a warm one.
 */
async function windowBench(
  client: ClickHouseClient,
  database: string,
): Promise<Record<'window' | 'cold window' | 'get' | 'count', number[]>> {
  const options = { table: `${database}.store`, autoCreate: true };
  const s = createClickHouseStore({ client }, options);
  await s.upsert({ id: 'win10000', userId: 'bench', messages: list(10_000, 'win10000') });
  await s.upsert({ id: 'win50', userId: 'bench', messages: list(50, 'win50') });
  const result = { window: [] as number[], 'cold window': [] as number[], get: [] as number[], count: [] as number[] };
  const sides = ['window', 'cold window', 'get', 'count'] as const;
  const count = countQuery(parseTableName(options.table));
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    for (const side of i % 2 ? [...sides].reverse() : sides) {
      const cold = side === 'cold window' ? createClickHouseStore({ client }, options) : undefined;
      await cold?.window('bench', 'none'); // its first-use checks, outside the timing
      const started = performance.now();
      if (side === 'count') {
        const read = await client.query({ query: count, query_params: { u: 'bench', c: 'win10000' } });
        const rows = await read.json();
        if (rows.rows !== 1) throw new Error('the count read did not find the head');
        if (i >= WARMUP) result.count.push(performance.now() - started);
        continue;
      }
      const got =
        side === 'get'
          ? (await s.get('bench', 'win50'))?.messages
          : (await (cold ?? s).window('bench', 'win10000', { limit: 50 }))?.messages;
      const took = performance.now() - started;
      if (got?.length !== 50 || got[49]!.id !== (side === 'get' ? 'win50-49' : 'win10000-9999'))
        throw new Error(`${side} returned the wrong messages`);
      if (i >= WARMUP) result[side].push(took);
    }
  }
  return result;
}

async function main(): Promise<void> {
  const http = process.env.CLICKHOUSE_URL;
  const dir = http ? undefined : mkdtempSync(join(tmpdir(), 'ac-bench-'));
  const connection = dir
    ? (createChdbConnection({ path: dir }) as unknown as ClickHouseClientConfigOptions['connection'])
    : undefined;
  const client = connection
    ? createClient({ connection })
    : createClient({ url: http, username: process.env.CLICKHOUSE_USER, password: process.env.CLICKHOUSE_PASSWORD });
  const database = `ac_bench_${Date.now()}`;
  await client.command({ query: `CREATE DATABASE ${database}` });
  try {
    const [version] = await (
      await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })
    ).json<{ v: string }>();
    console.log(
      `engine: ${http ? 'ClickHouse server over HTTP' : 'chdb (in-process ClickHouse)'} ${version?.v}; ${SAMPLES} interleaved samples per median, ~480-byte messages`,
    );
    const patterns = [
      await oldPattern(client, database),
      await rowsFloor(client, database),
      store(client, database, 'append'),
      store(client, database, 'upsert'),
    ];
    for (const p of patterns) for (const n of LENGTHS) await p.create(`len${n}`, list(n, `len${n}`));
    const turn = new Map<string, number[]>();
    const save = new Map<string, number[]>();
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      for (const n of LENGTHS) {
        for (const p of i % 2 ? [...patterns].reverse() : patterns) {
          const started = performance.now();
          const loaded = await p.load(`len${n}`);
          const saving = performance.now();
          await p.save(`len${n}`, loaded, [message(2 * i, `turn${n}`), message(2 * i + 1, `turn${n}`)]);
          const done = performance.now();
          if (loaded.length < n) throw new Error(`${p.name} lost messages: ${loaded.length} < ${n}`);
          if (i < WARMUP) continue;
          const key = `${p.name}|${n}`;
          turn.set(key, [...(turn.get(key) ?? []), done - started]);
          save.set(key, [...(save.get(key) ?? []), done - saving]);
        }
      }
    }
    const t = (name: string, n: number) => median(turn.get(`${name}|${n}`)!);
    const s = (name: string, n: number) => median(save.get(`${name}|${n}`)!);
    // The median over rounds of a / b, both measured in the same round.
    const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
    const turns = (name: string, n: number) => turn.get(`${name}|${n}`)!;
    const saves = (name: string, n: number) => save.get(`${name}|${n}`)!;
    console.log(
      `\n| pattern | ${LENGTHS.map((n) => `turn L=${n}`).join(' | ')} | ${LENGTHS.map((n) => `save L=${n}`).join(' | ')} |`,
    );
    console.log(`|---|${LENGTHS.map(() => '---|').join('')}${LENGTHS.map(() => '---|').join('')}`);
    for (const p of patterns)
      console.log(
        `| ${p.name} | ${LENGTHS.map((n) => `${t(p.name, n).toFixed(1)} ms`).join(' | ')} | ${LENGTHS.map((n) => `${s(p.name, n).toFixed(1)} ms`).join(' | ')} |`,
      );
    const check = (label: string, value: number, goal: number) =>
      console.log(`${label}: ${value.toFixed(2)} (goal <= ${goal}) ${value <= goal ? 'OK' : 'OVER'}`);
    console.log('');
    console.log('ratios (median of per-round ratios):');
    for (const mode of ['append', 'upsert'])
      check(
        `turn L=1000, store ${mode} / rows floor`,
        ratio(turns(`store, ${mode}`, 1000), turns('rows floor', 1000)),
        1.3,
      );
    for (const mode of ['append', 'upsert'])
      for (const n of LENGTHS)
        check(
          `turn L=${n}, store ${mode} / old pattern`,
          ratio(turns(`store, ${mode}`, n), turns('old pattern', n)),
          1,
        );
    for (const mode of ['append', 'upsert'])
      check(
        `save L=1000 / save L=10, store ${mode}${mode === 'upsert' ? ' (prefix unchanged)' : ''}`,
        ratio(saves(`store, ${mode}`, 1000), saves(`store, ${mode}`, 10)),
        1.3,
      );
    const windows = await windowBench(client, database);
    console.log(
      `\nwindow, newest 50 of 10,000: ${median(windows.window).toFixed(1)} ms (cold: ${median(windows['cold window']).toFixed(1)} ms); get of all 50: ${median(windows.get).toFixed(1)} ms`,
    );
    check('window newest 50 of 10,000 / get all of 50', ratio(windows.window, windows.get), 1.3);
    check('cold window newest 50 of 10,000 / get all of 50', ratio(windows['cold window'], windows.get), 1.3);
    const share = (xs: number[]) => ratio(xs, windows.get).toFixed(2);
    const extra = windows['cold window'].map((cold, i) => cold - windows.window[i]!);
    console.log(
      `what a cold window adds: the count read alone ${median(windows.count).toFixed(1)} ms (${share(windows.count)} of a get of 50);` +
        ` cold minus warm window ${median(extra).toFixed(1)} ms (${share(extra)} of a get)`,
    );
  } finally {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
