// window reads only the messages it returns: one statement, a range scan of the messages' primary key.
import { describe, expect, it } from 'vitest';
import { windowSql } from '../src/window.js';
import { msg, uid, useTestDatabase } from './support/stores.js';

const ctx = useTestDatabase('window');
const { open } = ctx;
const conversation = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    msg(`m${i}`, `message ${i} ${'é👋\u0000'.repeat(i % 3)}`, i % 2 ? 'assistant' : 'user'),
  );

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe('window', () => {
  it('reads only the window of a 10,000-message conversation: the rows of the messages scanned are the ones returned', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    const messages = conversation(10_000);
    await store.upsert({ userId: u, id: c, messages });
    await ctx.db.pool.query(`ANALYZE ${store.tables.messages}`);
    for (const [before, expected] of [
      [null, messages.slice(9_950)],
      [5_000, messages.slice(4_950, 5_000)],
      [30, messages.slice(0, 30)],
    ] as const) {
      const { rows } = await ctx.db.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${windowSql(store.tables)}`,
        [u, c, 50, before],
      );
      const scans = nodes(rows[0]!['QUERY PLAN'][0].Plan).filter((n) => n['Relation Name'] === 'agent_messages');
      expect(scans.map((n) => [n['Node Type'], n['Index Name']])).toEqual([['Index Scan', 'agent_messages_pkey']]);
      expect(scans[0]!['Actual Rows'] * scans[0]!['Actual Loops']).toBe(expected.length);
      const window = await store.window(u, c, { limit: 50, before: before === null ? undefined : `w1.${before}` });
      expect(window?.messages).toEqual(expected);
    }
  });

  it('is one statement: meta and messages agree while appends race it', async () => {
    const [writer, reader] = [open({ poolSize: 4 }), open({ poolSize: 4 })];
    const [u, c] = [uid('u'), uid('c')];
    await writer.upsert({ userId: u, id: c, messages: conversation(20) });
    let writing = true;
    const appends = (async () => {
      for (let i = 20; writing && i < 400; i++) await writer.append(u, c, [msg(`m${i}`, `appended ${i}`)]);
    })();
    for (let k = 0; k < 40; k++) {
      const window = await reader.window(u, c, { limit: 5 });
      const count = window!.meta.messageCount;
      expect(window!.messages.map((m) => m.id)).toEqual(
        [count - 5, count - 4, count - 3, count - 2, count - 1].map((i) => `m${i}`),
      );
    }
    writing = false;
    await appends;
  });

  it('clamps a cursor past the largest position to the newest message, like a cursor past the end', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ userId: u, id: c, messages: conversation(3) });
    expect((await store.window(u, c, { limit: 2, before: 'w1.9999999999999999' }))?.messages.map((m) => m.id)).toEqual([
      'm1',
      'm2',
    ]);
  });
});
