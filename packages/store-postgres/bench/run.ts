// npm run bench (`npm run bench -- window`: only the message windows): starts a throwaway PostgreSQL (default settings), measures the store against bare `pg` statements on
// the same server and prints the ratios. DATABASE_URL runs it against your server instead (it creates a database there).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createPostgresStore, type PostgresStore } from '../src/index.js';
import { scanInput } from '@agent-conversations/core';
import { buildQueries } from '../src/queries.js';
import { tailParams } from '../src/upsert.js';
import { createTestDatabase } from '@agent-conversations/pg-test-server';
import { startPgServer, type PgServer } from '@agent-conversations/pg-test-server';
import { windowBench, type Race, type Report } from './window.js';

const message = (i: number) => ({
  id: `m-${i}-${randomBytes(4).toString('hex')}`,
  role: i % 2 ? 'assistant' : 'user',
  parts: [{ type: 'text', text: `message ${i} ${'lorem ipsum dolor sit amet '.repeat(6)}` }],
});
const messages = (n: number) => Array.from({ length: n }, (_, i) => message(i));

let calls = 0; // shared by every race, so generated keys never repeat

/** Total ms of `rounds` blocks of `perRound` sequential calls of each contender, interleaved (first mover alternating) so drift hits all alike. */
const race: Race = async (rounds, perRound, contenders) => {
  const totals: Record<string, number> = Object.fromEntries(Object.keys(contenders).map((k) => [k, 0]));
  for (let r = 0; r < rounds; r++) {
    const order = Object.entries(contenders);
    if (r % 2) order.reverse();
    for (const [name, fn] of order) {
      const start = performance.now();
      for (let k = 0; k < perRound; k++) await fn(calls++);
      totals[name]! += performance.now() - start;
    }
  }
  return totals;
};

interface Row {
  goal: string;
  store: number;
  baseline: number;
  limit: number | null;
}
const rows: Row[] = [];
const report: Report = (goal, totals, storeKey, baseKey, ops, limit) => {
  rows.push({ goal, store: totals[storeKey]! / ops, baseline: totals[baseKey]! / ops, limit });
};

/** Appends to conversations of 1,000 and of 10 messages, and bare single-row INSERTs, through one store. */
async function appends(store: PostgresStore, label: string, withSizes: boolean): Promise<void> {
  const pool = store.pool;
  const t = store.tables;
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bare_rows (user_id text COLLATE "C", conversation_id text COLLATE "C", seq int, json text, PRIMARY KEY (user_id, conversation_id, seq))',
  );
  const user = `bench-${label}`;
  const small = Array.from({ length: 100 }, (_, i) => `small-${i}`);
  const large = Array.from({ length: 100 }, (_, i) => `large-${i}`);
  for (const id of small) await store.upsert({ userId: user, id, messages: messages(10) });
  for (const id of large) await store.upsert({ userId: user, id, messages: messages(1000) });
  // Steady state, as autovacuum's ANALYZE leaves it (without statistics a tiny table may be probed through the list index).
  await pool.query(`ANALYZE ${t.conversations}`);
  await pool.query(`ANALYZE ${t.messages}`);
  // 100 conversations of each size, 15 appends each over the run (10 -> 25 and 1,000 -> 1,015 messages).
  const appendTo = (ids: string[]) => (i: number) => store.append(user, ids[i % ids.length]!, [message(i)]);
  const bare = (i: number) =>
    pool.query('INSERT INTO bare_rows VALUES ($1, $2, $3, $4)', [
      user,
      `bare-${i % 100}`,
      i,
      JSON.stringify(message(i)),
    ]);
  const contenders = { small: appendTo(small), large: appendTo(large), bare };
  await race(1, 50, contenders); // warm-up: connections, prepared statements
  const totals = await race(30, 50, contenders); // 1,500 calls each: a disk flush that happens to be slow weighs little
  if (withSizes) report('append to 1,000 msgs vs to 10 msgs', totals, 'large', 'small', 1500, 1.3);
  report(
    `append vs bare single-row INSERT${label === 'async' ? ' (synchronous_commit=off: no disk wait, informational)' : ''}`,
    totals,
    'large',
    'bare',
    1500,
    label === 'async' ? null : 1.5,
  );
}

/** The AI SDK save of a turn (2 new messages) to conversations of 10 and of 1,000: upsert of the whole list (onFinish) vs append
 * of the 2 vs a bare 2-row INSERT; then the client's share of an upsert vs one JSON.stringify of the same list. */
async function saves(store: PostgresStore): Promise<void> {
  const pool = store.pool;
  const user = 'bench-saves';
  const lists = new Map<string, ReturnType<typeof messages>>();
  const ids = (kind: string, size: number) => Array.from({ length: 100 }, (_, i) => `${kind}-${size}-${i}`);
  for (const size of [10, 1000]) {
    for (const id of [...ids('upsert', size), ...ids('append', size)]) {
      const list = messages(size);
      lists.set(id, list);
      await store.upsert({ userId: user, id, messages: list });
    }
  }
  await pool.query(`ANALYZE ${store.tables.conversations}`);
  await pool.query(`ANALYZE ${store.tables.messages}`);
  const turn = (i: number) => [message(2 * i), message(2 * i + 1)];
  const upsertTo = (size: number) => (i: number) => {
    const id = ids('upsert', size)[i % 100]!;
    const list = lists.get(id)!;
    list.push(...turn(i));
    return store.upsert({ userId: user, id, messages: list });
  };
  const appendTo = (size: number) => (i: number) => store.append(user, ids('append', size)[i % 100]!, turn(i));
  const bare = (i: number) => {
    const [a, b] = turn(i).map((m) => JSON.stringify(m));
    return pool.query('INSERT INTO bare_rows VALUES ($1, $2, $3, $4), ($1, $2, $5, $6)', [
      user,
      `bare-${i % 100}`,
      2 * i,
      a,
      2 * i + 1,
      b,
    ]);
  };
  const contenders = {
    upsert10: upsertTo(10),
    append10: appendTo(10),
    upsert1000: upsertTo(1000),
    append1000: appendTo(1000),
    bare,
    // No store: one JSON.stringify of the list upsert1000 saves (1,002 messages and up), the least any exact check costs.
    stringify1000: async (i: number) => JSON.stringify([...lists.get(ids('upsert', 1000)[i % 100]!)!, ...turn(i)]),
  };
  await race(1, 20, contenders);
  const totals = await race(30, 50, contenders);
  report('save of 2 msgs to 1,000: upsert of all vs append of the 2', totals, 'upsert1000', 'append1000', 1500, 1.5);
  report('save of 2 msgs to 1,000: upsert of all vs bare 2-row INSERT', totals, 'upsert1000', 'bare', 1500, 2);
  report('save of 2 msgs: upsert of all, to 1,000 vs to 10', totals, 'upsert1000', 'upsert10', 1500, 1.3);
  report(
    'save of 2 msgs to 10: upsert of all vs append of the 2 (informational)',
    totals,
    'upsert10',
    'append10',
    1500,
    null,
  );
  report(
    'floor: one JSON.stringify of the list the upsert saves vs append of the 2 (informational; >= 0.5 puts 1.5x out of reach)',
    totals,
    'stringify1000',
    'append1000',
    1500,
    null,
  );

  // The client's work: validating and fingerprinting the list, and the parameters of the one statement the save sends.
  const id = ids('upsert', 1000)[0]!;
  const list = [...lists.get(id)!, ...turn(1_000_000)];
  const client = {
    upsert: async () => tailParams(scanInput({ userId: user, id, messages: list }), undefined, Date.now()),
    stringify: async () => JSON.stringify(list),
  };
  await race(5, 20, client);
  report(
    `client work per upsert of ${list.length} msgs vs one JSON.stringify of them`,
    await race(40, 20, client),
    'upsert',
    'stringify',
    800,
    2,
  );
}

async function seedList(pool: pg.Pool, store: PostgresStore): Promise<void> {
  const t = store.tables;
  await pool.query(`INSERT INTO ${t.conversations} (user_id, id, title, message_count, created_at, updated_at, version, usage_set, input_tokens, metadata)
    SELECT 'user-' || (g % 1000), 'conv-' || g, 'Conversation ' || g, 0, 1700000000000 + g, 1700000000000 + g * 7 % 100003, 1, true, g, '{"tag":"bench"}'
    FROM generate_series(1, 100000) AS g`);
  await pool.query(`ANALYZE ${t.conversations}`);
}

/** The plan the store's connections use for the one-message append (generic: they run with plan_cache_mode force_generic_plan). */
async function appendPlan(store: PostgresStore): Promise<string> {
  const client = await store.pool.connect();
  try {
    await client.query(
      `PREPARE bench_append(text, text, bigint, int, text, text, text, text, text) AS ${buildQueries(store.tables).append[1]}`,
    );
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      "EXPLAIN EXECUTE bench_append('bench-durable', 'large-0', 0, NULL, 'New conversation', NULL, 'plan', '{}', 'h')",
    );
    await client.query('DEALLOCATE bench_append');
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

/** Prints every measure with its ratio and target; true when one missed its target. */
async function printRows(pool: pg.Pool, given: string | undefined): Promise<boolean> {
  console.log(
    `\n@agent-conversations/store-postgres benchmark (PostgreSQL ${(await pool.query('SHOW server_version')).rows[0].server_version} on ${given ? 'DATABASE_URL' : '127.0.0.1, throwaway server, default settings'}; pool of 4; sequential calls; ms per call)\n`,
  );
  console.log('| measure | store | baseline | ratio | target |');
  console.log('|---|---:|---:|---:|---:|');
  let failed = false;
  for (const r of rows) {
    const ratio = r.store / r.baseline;
    const ok = r.limit === null || ratio <= r.limit;
    failed ||= !ok;
    console.log(
      `| ${r.goal} | ${r.store.toFixed(3)} | ${r.baseline.toFixed(3)} | ${ratio.toFixed(2)} | ${r.limit === null ? '-' : `≤ ${r.limit} ${ok ? 'ok' : 'MISSED'}`} |`,
    );
  }
  return failed;
}

async function main(): Promise<void> {
  const given = process.env.DATABASE_URL;
  const server: PgServer | undefined = given ? undefined : await startPgServer({ durable: true });
  const db = await createTestDatabase(given ?? server!.url, 'bench');
  const store = createPostgresStore({ connectionString: db.url }, { poolSize: 4 });
  // The same server and database with commits that do not wait for the disk: shows the store's CPU overhead alone.
  const asyncUrl = new URL(db.url);
  asyncUrl.searchParams.set('options', '-c synchronous_commit=off');
  const asyncStore = createPostgresStore({ connectionString: asyncUrl.toString() }, { poolSize: 4 });
  const pool = store.pool;
  try {
    await store.migrate();
    const t = store.tables;
    if (process.argv[2] === 'window') {
      // `npm run bench -- window`: only the message windows.
      await windowBench(store, messages, race, report);
      if (await printRows(pool, given)) process.exitCode = 1;
      return;
    }
    // The 100,000 conversations of 1,000 users that list reads, first: appends then find their row in a table of a realistic
    // size, through the primary key (in a table of a few hundred rows the planner prefers a sequential scan).
    await seedList(pool, store);
    await appends(store, 'durable', true);
    await appends(asyncStore, 'async', false);
    await saves(store);

    // Get: one conversation of 1,000 messages, parsed, vs the bare indexed SELECT of its rows (left as text), and vs that
    // SELECT plus a JSON.parse of each row (the same output as get). JSON.parse of the messages alone shows the floor.
    await store.upsert({ userId: 'bench-durable', id: 'get-1000', messages: messages(1000) });
    const bareSql = `SELECT json FROM ${t.messages} WHERE user_id = $1 AND conversation_id = $2 ORDER BY seq`;
    const bareRows = () => pool.query<{ json: string }>(bareSql, ['bench-durable', 'get-1000']);
    const text = `[${(await bareRows()).rows.map((r) => r.json).join(',')}]`;
    const get = {
      store: () => store.get('bench-durable', 'get-1000'),
      bare: bareRows,
      bareParsed: async () => (await bareRows()).rows.map((r) => JSON.parse(r.json) as unknown),
      parseOnly: async () => JSON.parse(text) as unknown,
    };
    await race(1, 20, get);
    const got = await race(20, 20, get);
    report('get 1,000 msgs (parsed) vs bare SELECT of its rows', got, 'store', 'bare', 400, 1.5);
    report(
      'get 1,000 msgs vs bare SELECT + JSON.parse of each row (same output, informational)',
      got,
      'store',
      'bareParsed',
      400,
      null,
    );
    report(
      'JSON.parse of those 1,000 messages alone vs bare SELECT (the floor, informational)',
      got,
      'parseOnly',
      'bare',
      400,
      null,
    );
    await windowBench(store, messages, race, report);

    // List: a page of 50 for one user among 100,000 conversations of 1,000 users (seeded above).
    const user = (i: number) => `user-${(i * 37) % 1000}`;
    const list = {
      store: (i: number) => store.list(user(i)),
      bare: (i: number) =>
        pool.query(`SELECT * FROM ${t.conversations} WHERE user_id = $1 ORDER BY updated_at DESC, id DESC LIMIT 50`, [
          user(i),
        ]),
    };
    await race(1, 50, list);
    report('list 50 of 100k (1k users) vs bare SELECT', await race(10, 50, list), 'store', 'bare', 500, 1.5);
    // The get baseline must be what the target names, the bare *indexed* SELECT (a conversation the statistics know well can
    // get a bitmap scan plus a sort instead, a slower baseline that would flatter the store): the fresh get-1000 gets this plan.
    const getPlan = (
      await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${bareSql}`, ['bench-durable', 'get-1000'])
    ).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT * FROM ${t.conversations} WHERE user_id = $1 ORDER BY updated_at DESC, id DESC LIMIT $2`,
      ['user-1', 51],
    );
    const planText = plan.map((r) => r['QUERY PLAN']).join('\n');
    const appendPlanText = await appendPlan(store);

    const failed = await printRows(pool, given);
    const indexScan = /Index Scan using \S*list_idx/.test(planText) && !/\bSort\b/.test(planText);
    console.log(`\nlist plan (${indexScan ? 'an index scan, no sort: ok' : 'NOT an index scan'}):\n${planText}`);
    const getBaselineIndexed = /Index Scan using \S*messages_pkey/.test(getPlan) && !/\bSort\b/.test(getPlan);
    console.log(
      `\nget baseline plan (${getBaselineIndexed ? 'an index scan, no sort: ok' : 'NOT an index scan: the get ratio is not comparable'}):\n${getPlan}`,
    );
    const appendByKey = /Index Scan using \S*conversations_pkey/.test(appendPlanText);
    console.log(
      `\nappend plan (${appendByKey ? 'the conversation found through the primary key: ok' : 'NOT through the primary key'}):\n${appendPlanText}`,
    );
    if (failed || !indexScan || !getBaselineIndexed || !appendByKey) process.exitCode = 1;
  } finally {
    await asyncStore.close();
    await store.close();
    await db.drop();
    await server?.destroy();
  }
}

await main();
