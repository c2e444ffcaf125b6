import { randomUUID } from 'node:crypto';
import { createMemoryStore, type ConversationStore, type Message } from '@agent-conversations/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
import { everySchedule, gatedClient, Interleaver } from './support/interleave.js';

// The consistency model, proved on the real engine: two writers to one conversation, paused between any two of
// their statements in every possible order. chdb runs one query at a time, so without the gate no test would
// ever interleave two writers' statements.

let backend: Backend;
let table: string;
beforeAll(async () => {
  backend = await openBackend();
  table = `${backend.database}.interleaved`;
  await createClickHouseStore({ client: backend.client }, { table }).migrate();
});
afterAll(() => backend.close());

type Op = (store: ConversationStore, userId: string, id: string) => Promise<unknown>;
interface Scenario {
  name: string;
  setup: Op;
  writers: [Op, Op];
  /** Writers pass expectedVersion: losing with CONFLICT (and writing nothing) is allowed. */
  conditional?: boolean;
}

const text = (id: string, words: string, role = 'user'): Message => ({
  id,
  role,
  parts: [{ type: 'text', text: words }],
});
const base = [text('m1', 'first question'), text('m2', 'first answer', 'assistant')];
const start: Op = (s, u, c) => s.upsert({ id: c, userId: u, messages: base, usage: { inputTokens: 10 } });

const SCENARIOS: Scenario[] = [
  {
    name: 'upsert/upsert',
    setup: start,
    writers: [
      (s, u, c) => s.upsert({ id: c, userId: u, messages: [...base, text('a3', 'from A')] }),
      (s, u, c) => s.upsert({ id: c, userId: u, messages: [...base, text('b3', 'from B')] }),
    ],
  },
  {
    name: 'upsert/upsert with expectedVersion',
    conditional: true,
    setup: start,
    writers: [
      (s, u, c) => s.upsert({ id: c, userId: u, messages: [...base, text('a3', 'from A')] }, { expectedVersion: 1 }),
      (s, u, c) => s.upsert({ id: c, userId: u, messages: [text('b1', 'B rewrites all')] }, { expectedVersion: 1 }),
    ],
  },
  {
    name: 'append/append',
    setup: start,
    writers: [
      (s, u, c) => s.append(u, c, [text('a3', 'from A')], { usage: { inputTokens: 1 } }),
      (s, u, c) => s.append(u, c, [text('b3', 'from B')], { usage: { inputTokens: 2, costUsd: 0.5 } }),
    ],
  },
  {
    name: 'append/append with the same message id',
    setup: start,
    writers: [(s, u, c) => s.append(u, c, [text('x3', 'from A')]), (s, u, c) => s.append(u, c, [text('x3', 'from B')])],
  },
  {
    name: 'upsert/append',
    setup: start,
    writers: [
      (s, u, c) => s.upsert({ id: c, userId: u, messages: [...base, text('u3', 'from upsert')] }),
      (s, u, c) => s.append(u, c, [text('a3', 'from append')], { usage: { outputTokens: 3 } }),
    ],
  },
  {
    name: 'upsert changing the last message/append',
    setup: start,
    writers: [
      (s, u, c) => s.upsert({ id: c, userId: u, messages: [base[0]!, text('m2', 'continued answer', 'assistant')] }),
      (s, u, c) => s.append(u, c, [text('a3', 'from append')]),
    ],
  },
  {
    name: 'update/append',
    setup: start,
    writers: [
      (s, u, c) => s.update(u, c, { title: 'renamed', metadata: { by: 'A' }, usage: { inputTokens: 100 } }),
      (s, u, c) => s.append(u, c, [text('a3', 'from append')], { usage: { inputTokens: 1 } }),
    ],
  },
  {
    name: 'delete/append',
    setup: start,
    writers: [(s, u, c) => s.delete(u, c), (s, u, c) => s.append(u, c, [text('a3', 'from append')])],
  },
];

/** What a user sees of one call: the meta's countable fields, the boolean, or the error code. */
function summary(outcome: PromiseSettledResult<unknown>): unknown {
  if (outcome.status === 'rejected') {
    const e = outcome.reason as { code?: string; retryable?: boolean; message?: string };
    return { error: e.code ?? e.message, retryable: e.retryable };
  }
  const value = outcome.value as { version?: number } | boolean;
  if (typeof value !== 'object' || value === null) return value;
  const { createdAt: _c, updatedAt: _u, id: _i, userId: _p, ...rest } = value as Record<string, unknown>;
  return rest;
}

/** JSON with object keys sorted, so the same values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

async function finalState(store: ConversationStore, userId: string, id: string): Promise<unknown> {
  const got = await store.get(userId, id);
  if (!got) return null;
  const { createdAt: _c, updatedAt: _u, id: _i, userId: _p, ...rest } = got;
  return rest;
}

/** The outcomes and final state of running the writers one after another in `order` on the memory store. */
async function serial(scenario: Scenario, order: number[]): Promise<{ outcomes: unknown[]; final: unknown }> {
  const store = createMemoryStore();
  const [u, c] = ['u', 'c'];
  await scenario.setup(store, u, c);
  const outcomes: unknown[] = [];
  for (const w of order) {
    outcomes[w] = summary(
      await scenario.writers[w]!(store, u, c).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      ),
    );
  }
  return { outcomes, final: await finalState(store, u, c) };
}

/** Runs every schedule of a scenario against `target`; returns the schedules whose outcome is no serial order. */
async function explore(
  scenario: Scenario,
  warm: boolean,
  target: string,
): Promise<{ schedules: number; mismatches: string[]; matched: Set<string> }> {
  const orders = [[0, 1], [1, 0], ...(scenario.conditional ? [[0], [1]] : [])];
  const expected = await Promise.all(orders.map((order) => serial(scenario, order)));
  const interleaver = new Interleaver();
  const stores = [0, 1].map((i) =>
    createClickHouseStore(
      { client: gatedClient(backend.newClient(), interleaver.gate(i), () => interleaver.armed) },
      { table: target, stateCacheMs: warm ? 2000 : 0 },
    ),
  );
  const userId = `u-${randomUUID()}`;
  const matched = new Set<string>();
  const mismatches: string[] = [];
  const schedules = await everySchedule(async (choices) => {
    const id = `c-${randomUUID()}`;
    await scenario.setup(stores[0]!, userId, id);
    const tasks = scenario.writers.map((op, i) => async () => {
      if (warm) await stores[i]!.get(userId, id);
      return op(stores[i]!, userId, id);
    });
    const { outcomes, steps } = await interleaver.run(tasks, choices);
    const got = { outcomes: outcomes.map(summary), final: await finalState(stores[0]!, userId, id) };
    const schedule = steps.map((s) => 'AB'[s.chose]).join('');
    const fits = orders.findIndex((order, i) => {
      const serialRun = expected[i]!;
      const losers = [0, 1].filter((w) => !order.includes(w));
      const lostCleanly = losers.every(
        (w) =>
          (got.outcomes[w] as { error?: string; retryable?: boolean }).error === 'CONFLICT' &&
          (got.outcomes[w] as { retryable?: boolean }).retryable === true,
      );
      return (
        lostCleanly &&
        order.every((w) => canonical(got.outcomes[w]) === canonical(serialRun.outcomes[w])) &&
        canonical(got.final) === canonical(serialRun.final)
      );
    });
    if (fits < 0) mismatches.push(`schedule ${schedule}: ${JSON.stringify(got)}`);
    else matched.add(orders[fits]!.join(''));
    // get, list and the winning write agree; no message id twice.
    const conversation = await stores[1]!.get(userId, id);
    const listed = (await stores[1]!.list(userId)).items.find((item) => item.id === id);
    if (conversation) {
      const { messages, ...meta } = conversation;
      if (canonical(listed) !== canonical(meta))
        mismatches.push(`schedule ${schedule}: list ${JSON.stringify(listed)} != get ${JSON.stringify(meta)}`);
      if (new Set(messages.map((m) => m.id)).size !== messages.length || meta.messageCount !== messages.length)
        mismatches.push(
          `schedule ${schedule}: messages ${JSON.stringify(messages.map((m) => m.id))}, count ${meta.messageCount}`,
        );
    } else if (listed) {
      mismatches.push(`schedule ${schedule}: listed but get is null`);
    }
    return steps;
  });
  await Promise.all(stores.map((s) => s.close()));
  return { schedules, mismatches, matched };
}

describe.each([
  ['from a fresh read', false],
  ['from the state a get cached (then stale)', true],
])('every interleaving of two writers, each starting %s', (_label, warm) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s: equals a serial order, or a loser got CONFLICT and wrote nothing',
    async (_name, scenario) => {
      const { schedules, mismatches, matched } = await explore(scenario, warm, table);
      expect(mismatches).toEqual([]);
      // Both writers pause at every statement, so there are many schedules, and both serial orders occur.
      expect(schedules).toBeGreaterThanOrEqual(10);
      expect([...matched].filter((o) => o.length === 2).sort()).toEqual(['01', '10']);
    },
  );
});

describe('the harness catches what it is meant to catch', () => {
  it('with deduplication turned off (no compare-and-set), some schedules of two appends and of two upserts are no serial order', async () => {
    const unsafe = `${backend.database}.no_dedup`;
    await createClickHouseStore({ client: backend.client }, { table: unsafe }).migrate();
    await backend.client.command({
      query: `ALTER TABLE ${unsafe} MODIFY SETTING non_replicated_deduplication_window = 0`,
    });
    for (const name of ['append/append', 'upsert/upsert']) {
      const { mismatches } = await explore(
        SCENARIOS.find((s) => s.name === name)!,
        false,
        unsafe,
      );
      expect(mismatches.length, name).toBeGreaterThan(0);
    }
  });
});
