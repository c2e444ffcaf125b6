import { encodeWindowCursor, type Message } from '@agent-conversations/core';
import type { PostgresStore } from '../src/index.js';

/** Total ms of `rounds` blocks of `perRound` sequential calls of each contender, interleaved (run.ts's `race`). */
export type Race = (
  rounds: number,
  perRound: number,
  contenders: Record<string, (i: number) => Promise<unknown>>,
) => Promise<Record<string, number>>;
/** Records a row: the store's and the baseline's ms per op of `totals`, against a goal ratio `limit` (run.ts's `report`). */
export type Report = (
  goal: string,
  totals: Record<string, number>,
  storeKey: string,
  baseKey: string,
  ops: number,
  limit: number | null,
) => void;

/** Message windows: the newest 50 of 10,000 messages vs get of a whole 50-message conversation (same message shape), interleaved in
 * one run over 4 conversations of each length (goal ≤ 1.3), and paging back from the middle of the long ones. */
export async function windowBench(
  store: PostgresStore,
  messages: (n: number) => Message[],
  race: Race,
  report: Report,
): Promise<void> {
  const user = 'bench-window';
  const ids = (kind: string) => Array.from({ length: 4 }, (_, i) => `${kind}-${i}`);
  for (const id of ids('long')) await store.upsert({ userId: user, id, messages: messages(10_000) });
  for (const id of ids('short')) await store.upsert({ userId: user, id, messages: messages(50) });
  await store.pool.query(`ANALYZE ${store.tables.conversations}`);
  await store.pool.query(`ANALYZE ${store.tables.messages}`);
  const cursor = encodeWindowCursor(5_000);
  const contenders = {
    newest: (i: number) => store.window(user, `long-${i % 4}`, { limit: 50 }),
    older: (i: number) => store.window(user, `long-${i % 4}`, { limit: 50, before: cursor }),
    getShort: (i: number) => store.get(user, `short-${i % 4}`),
  };
  await race(1, 50, contenders);
  const totals = await race(20, 50, contenders);
  report(
    'window: newest 50 of 10,000 msgs vs get of all of a 50-msg conversation',
    totals,
    'newest',
    'getShort',
    1000,
    1.3,
  );
  report(
    'window: 50 from the middle of 10,000 (a cursor) vs get of all of 50 msgs',
    totals,
    'older',
    'getShort',
    1000,
    1.3,
  );
}
