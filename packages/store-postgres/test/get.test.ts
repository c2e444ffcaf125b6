// get reads a conversation in one statement whose rows (meta, then chunks of 128 messages) are parsed as they arrive.
import { isConversationStoreError } from '@agent-conversations/core';
import { describe, expect, it } from 'vitest';
import { buildQueries } from '../src/queries.js';
import { msg, uid, useTestDatabase } from './support/stores.js';

const ctx = useTestDatabase('get');
const { open } = ctx;
const conversation = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) =>
    msg(`m${from + i}`, `message ${from + i} ${'é👋\u0000'.repeat(i % 3)}`, i % 2 ? 'assistant' : 'user'),
  );

describe('get', () => {
  it('returns every message in order across chunk boundaries (0, 1, 127, 128, 129, 256, 257, 1000 messages)', async () => {
    const store = open();
    const u = uid('u');
    for (const n of [0, 1, 127, 128, 129, 256, 257, 1000]) {
      const messages = conversation(n);
      await store.upsert({ userId: u, id: `n${n}`, messages });
      const got = await store.get(u, `n${n}`);
      expect(got?.messageCount).toBe(n);
      expect(got?.messages).toEqual(messages);
    }
  });

  it('after appends and a rewrite from the middle, returns the stored list exactly', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    const first = conversation(200);
    await store.upsert({ userId: u, id: c, messages: first });
    for (let i = 200; i < 240; i++) await store.append(u, c, [msg(`m${i}`, `appended ${i}`)]);
    const rewritten = [...first.slice(0, 126), ...conversation(5, 500)];
    await store.upsert({ userId: u, id: c, messages: rewritten });
    expect((await store.get(u, c))?.messages).toEqual(rewritten);
  });

  it('sees one snapshot: while appends race, every read has exactly messageCount messages, the newest last', async () => {
    const [writer, reader] = [open({ poolSize: 4 }), open({ poolSize: 4 })];
    const [u, c] = [uid('u'), uid('c')];
    await writer.upsert({ userId: u, id: c, messages: conversation(60) });
    let writing = true;
    let reading = true;
    let reads = 0;
    const appends = (async () => {
      for (let i = 60; i < 200; i++) {
        const before = reads;
        await writer.append(u, c, [msg(`m${i}`, `turn ${i}`)]);
        // At least one read ends between any two appends, however loaded the machine; the next read races the next append.
        while (reading && reads === before) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      writing = false;
    })();
    try {
      while (writing) {
        const got = (await reader.get(u, c))!;
        expect(got.messages).toHaveLength(got.messageCount);
        expect(got.messages.at(-1)?.id).toBe(`m${got.messageCount - 1}`);
        reads++;
      }
    } finally {
      reading = false;
    }
    await appends;
    expect(reads).toBeGreaterThanOrEqual(140);
    expect((await reader.get(u, c))?.messages).toHaveLength(200);
  });

  it('a stored message that is not JSON fails the read with a STORAGE error; the pool stays usable', async () => {
    const store = open({ poolSize: 1 });
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ userId: u, id: c, messages: conversation(300) });
    await ctx.db.pool.query(
      "UPDATE agent_conversations.agent_messages SET json = '{broken' WHERE user_id = $1 AND conversation_id = $2 AND seq = 140",
      [u, c],
    );
    const error = await store.get(u, c).catch((e: unknown) => e);
    expect(isConversationStoreError(error) && error.code).toBe('STORAGE');
    await store.upsert({ userId: u, id: 'other', messages: conversation(3) });
    expect((await store.get(u, 'other'))?.messages).toEqual(conversation(3));
  });

  it("does not return another user's conversation, nor its messages", async () => {
    const store = open();
    const [alice, bob, c] = [uid('alice'), uid('bob'), uid('c')];
    await store.upsert({ userId: alice, id: c, messages: conversation(70) });
    await store.upsert({ userId: bob, id: c, messages: conversation(2, 900) });
    expect(await store.get(uid('eve'), c)).toBeNull();
    expect((await store.get(bob, c))?.messages).toEqual(conversation(2, 900));
  });

  it('reads through the primary key alone, each message once, also for a conversation the statistics do not know yet', async () => {
    const store = open();
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ userId: u, id: 'known', messages: conversation(300) });
    await ctx.db.pool.query('ANALYZE agent_conversations.agent_messages');
    await store.upsert({ userId: u, id: c, messages: conversation(1000) });
    const client = await ctx.db.pool.connect();
    try {
      await client.query(`PREPARE get_plan(text, text) AS ${buildQueries(store.tables).get}`);
      for (const mode of ['force_custom_plan', 'force_generic_plan']) {
        await client.query(`SET plan_cache_mode = ${mode}`);
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE get_plan(${client.escapeLiteral(u)}, ${client.escapeLiteral(c)})`,
        );
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan, plan).not.toMatch(/message_id_key|Seq Scan on agent_messages|Sort/);
        // Eight chunks of at most 128 rows: no chunk reads the other chunks' rows.
        expect(plan, plan).toMatch(
          /Index Scan using agent_messages_pkey on agent_messages \(actual rows=125 loops=8\)/,
        );
      }
    } finally {
      await client.query('DEALLOCATE get_plan').catch(() => undefined);
      client.release();
    }
  });
});
