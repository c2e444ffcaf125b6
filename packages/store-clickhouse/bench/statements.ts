/*
 * Where a turn's time goes, per statement, on the real engine (chdb in-process, or CLICKHOUSE_URL): the store's turns
 * (get, then append or upsert of 2 messages) beside the old pattern's two statements (argMax load, insert of the whole
 * history) at L=10, 100 and 1000, with a trivial `SELECT 1` as the engine's fixed cost per statement. Prints the
 * median time of each statement kind, and of each whole store call (the statements plus the store's own work).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChdbConnection } from 'chdb/connection';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import type { Message } from '@agent-conversations/core';
import { createClickHouseStore } from '../src/index.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const LENGTHS = [10, 100, 1000] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const message = (i: number, prefix: string): Message => ({
  id: `${prefix}-${i}`,
  role: i % 2 ? 'assistant' : 'user',
  parts: [{ type: 'text', text: `${prefix} ${i} ${'lorem ipsum dolor sit amet '.repeat(15)}`.slice(0, 400) }],
});

/** A client whose every statement is timed under `label()` plus its first words. */
function timed(client: ClickHouseClient, label: () => string, times: Map<string, number[]>): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'query' && prop !== 'command' && prop !== 'insert') return value.bind(target);
      return async (params: { query?: string }) => {
        const words = (params.query ?? 'insert').trim().split(/\s+/).slice(0, 3).join(' ').replace(/\{.*/, '');
        const started = performance.now();
        const result = (await (value as (p: unknown) => Promise<{ text?: () => Promise<string> }>).call(
          target,
          params,
        )) as { text?: () => Promise<string> };
        const text = result && typeof result.text === 'function' ? await result.text() : undefined;
        const key = `${label()} ${words}`;
        times.set(key, [...(times.get(key) ?? []), performance.now() - started]);
        return text === undefined
          ? result
          : {
              ...result,
              text: async () => text,
              json: async () =>
                text
                  .split('\n')
                  .filter(Boolean)
                  .map((l) => JSON.parse(l) as unknown),
            };
      };
    },
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ac-stmt-'));
  const raw = process.env.CLICKHOUSE_URL
    ? createClient({
        url: process.env.CLICKHOUSE_URL,
        username: process.env.CLICKHOUSE_USER,
        password: process.env.CLICKHOUSE_PASSWORD,
      })
    : createClient({
        connection: createChdbConnection({ path: dir }) as unknown as ClickHouseClientConfigOptions['connection'],
      });
  const times = new Map<string, number[]>();
  const record = (key: string, ms: number) => times.set(key, [...(times.get(key) ?? []), ms]);
  let phase = 'setup';
  const client = timed(raw, () => phase, times);
  const database = `ac_stmt_${Date.now()}`;
  await raw.command({ query: `CREATE DATABASE ${database}` });
  try {
    const store = createClickHouseStore({ client }, { table: `${database}.store`, autoCreate: true });
    for (const n of LENGTHS)
      for (const mode of ['append', 'upsert'])
        await store.upsert({
          id: `${mode}${n}`,
          userId: 'bench',
          messages: Array.from({ length: n }, (_, i) => message(i, `${mode}${n}`)),
        });
    const old = `${database}.old_pattern`;
    await raw.command({
      query: `CREATE TABLE ${old} (user_id String, conversation_id String, version UInt64, messages String CODEC(ZSTD(1))) ENGINE = MergeTree ORDER BY (user_id, conversation_id, version)`,
    });
    const history = new Map(LENGTHS.map((n) => [n, Array.from({ length: n }, (_, i) => message(i, `old${n}`))]));
    for (const [n, messages] of history)
      await raw.insert({
        table: old,
        format: 'JSONEachRow',
        values: [{ user_id: 'bench', conversation_id: `old${n}`, version: 0, messages: JSON.stringify(messages) }],
      });
    for (let i = 0; i < SAMPLES; i++) {
      for (const n of LENGTHS) {
        phase = `L=${n} select1`;
        await client.query({ query: 'SELECT 1', format: 'JSONEachRow' });
        phase = `L=${n} old pattern: load`;
        await client.query({
          query: `SELECT argMax(messages, version) AS m FROM ${old} WHERE user_id = 'bench' AND conversation_id = {c:String}`,
          query_params: { c: `old${n}` },
          format: 'JSONEachRow',
        });
        phase = `L=${n} old pattern: save`;
        const whole = [...history.get(n)!, message(2 * i, `o${n}`), message(2 * i + 1, `o${n}`)];
        history.set(n, whole);
        await client.insert({
          table: old,
          format: 'JSONEachRow',
          values: [{ user_id: 'bench', conversation_id: `old${n}`, version: i + 1, messages: JSON.stringify(whole) }],
        });
        for (const mode of ['append', 'upsert'] as const) {
          phase = `L=${n} ${mode}: get`;
          let started = performance.now();
          const got = (await store.get('bench', `${mode}${n}`))!;
          record(`L=${n} ${mode}: get (whole call)`, performance.now() - started);
          started = performance.now();
          phase = `L=${n} ${mode}: save`;
          const added = [message(2 * i, `t${mode}${n}`), message(2 * i + 1, `t${mode}${n}`)];
          if (mode === 'append') await store.append('bench', `${mode}${n}`, added);
          else await store.upsert({ id: `${mode}${n}`, userId: 'bench', messages: [...got.messages, ...added] });
          record(`L=${n} ${mode}: save (whole call)`, performance.now() - started);
        }
      }
    }
    for (const [key, xs] of [...times].filter(([k]) => !k.startsWith('setup')).sort())
      console.log(`${key.padEnd(60)} ${median(xs).toFixed(2).padStart(7)} ms  (n=${xs.length})`);
  } finally {
    await raw.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
