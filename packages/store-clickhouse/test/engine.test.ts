import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
import { freshStore, messages, physicalRows } from './support/fixtures.js';

let backend: Backend;
beforeAll(async () => {
  backend = await openBackend();
});
afterAll(() => backend.close());

async function generations(table: string, userId: string, id: string): Promise<string[]> {
  const rows = await backend.rows<{ generation: string }>(`SELECT DISTINCT generation FROM ${table} WHERE user_id = {u:String} AND conversation_id = {c:String} AND kind = 0 ORDER BY generation`, { u: userId, c: id });
  return rows.map((r) => r.generation);
}

describe('delete and recreate', () => {
  it('recreating a deleted id never brings old messages back, before or after OPTIMIZE FINAL', async () => {
    const { store, table } = freshStore(backend);
    const old = messages(3, 'old');
    await store.upsert({ id: 'c', userId: 'u', messages: old, title: 'Old', usage: { inputTokens: 5 } });
    await store.append('u', 'c', messages(1, 'late'), { usage: { inputTokens: 1 } });
    expect(await store.delete('u', 'c')).toBe(true);
    const fresh = [{ ...old[0]!, parts: [{ type: 'text', text: 'new content, old id' }] }];
    const meta = await store.upsert({ id: 'c', userId: 'u', messages: fresh });
    expect(meta).toMatchObject({ version: 1, messageCount: 1, title: 'new content, old id' });
    expect(meta.usage).toBeUndefined();
    const before = await store.get('u', 'c');
    expect(before?.messages).toEqual(fresh);
    const [stored] = await backend.rows<{ n: number | string }>(`SELECT count() AS n FROM ${table} WHERE position(body, 'old text') > 0`);
    expect(Number(stored?.n), 'deleted content is still on disk before the merge').toBeGreaterThan(0);
    await backend.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    expect(await store.get('u', 'c')).toEqual(before);
    expect((await store.list('u')).items).toEqual([{ ...meta }]);
    const [merged] = await backend.rows<{ n: number | string }>(`SELECT count() AS n FROM ${table} WHERE position(body, 'old text') > 0`);
    expect(Number(merged?.n), 'after the merge only empty tombstones remain of the deleted rows').toBe(0);
    // The old message ids are free again in the new generation.
    await store.append('u', 'c', [old[1]!]);
    expect((await store.get('u', 'c'))?.messages).toEqual([...fresh, old[1]]);
    expect(await generations(table, 'u', 'c')).toHaveLength(2);
  });

  it('a late write to a deleted generation stays invisible, and so do its messages', async () => {
    const { store, table } = freshStore(backend);
    await store.upsert({ id: 'c', userId: 'u', messages: messages(2, 'a') });
    const [old] = await generations(table, 'u', 'c');
    expect(await store.delete('u', 'c')).toBe(true);
    // A writer that read the conversation before the delete lands afterwards: its head and message rows carry a fresh clock version.
    const ver = Date.now() * 1000 + 999;
    const base = { user_id: 'u', conversation_id: 'c', generation: old, ver, is_deleted: 0, updated_at: Date.now(), created_at: Date.now() };
    await backend.client.insert({
      table,
      format: 'JSONEachRow',
      values: [
        { ...base, kind: 0, seq: 0, row_id: '', message_count: 3, body: JSON.stringify({ title: 'zombie' }) },
        { ...base, kind: 1, seq: ver, row_id: 'zombie-message', body: JSON.stringify({ id: 'zombie-message', role: 'user' }) },
      ],
    });
    expect(await store.get('u', 'c')).toBeNull();
    expect((await store.list('u')).items).toEqual([]);
    await store.upsert({ id: 'c', userId: 'u', messages: messages(1, 'b') });
    await backend.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    const got = await store.get('u', 'c');
    expect(got?.messages).toEqual(messages(1, 'b'));
    expect(got?.title).not.toBe('zombie');
  });

  it('tombstones win when every write lands in the same millisecond', async () => {
    const frozen = 1_800_000_000_000;
    const { store, table } = freshStore(backend, { now: () => frozen });
    for (let round = 0; round < 3; round++) {
      await store.upsert({ id: 'c', userId: 'u', messages: messages(2, `r${round}`) });
      await store.update('u', 'c', { title: `round ${round}` });
      expect(await store.delete('u', 'c')).toBe(true);
      expect(await store.get('u', 'c')).toBeNull();
    }
    const meta = await store.upsert({ id: 'c', userId: 'u', messages: messages(1, 'final') });
    expect(meta).toMatchObject({ version: 1, createdAt: frozen, updatedAt: frozen });
    expect((await store.get('u', 'c'))?.messages).toEqual(messages(1, 'final'));
    // Every tombstone is strictly newer than every live version of the key it deletes.
    const [order] = await backend.rows<{ bad: number | string }>(
      `SELECT count() AS bad FROM ${table} AS d JOIN ${table} AS l USING (user_id, conversation_id, kind, generation, seq, row_id) WHERE d.is_deleted = 1 AND l.is_deleted = 0 AND l.ver >= d.ver`,
    );
    expect(Number(order?.bad)).toBe(0);
  });
});

describe('merges', () => {
  it('reads are the same before and after OPTIMIZE TABLE ... FINAL', async () => {
    const { store, table } = freshStore(backend);
    await store.upsert({ id: 'a', userId: 'u', messages: messages(4), usage: { inputTokens: 1 } });
    await store.upsert({ id: 'a', userId: 'u', messages: [...messages(2), ...messages(2, 'x')] });
    await store.append('u', 'a', messages(2, 'y'), { usage: { inputTokens: 2, costUsd: 0.25 } });
    await store.update('u', 'a', { title: 'renamed', metadata: { k: 1 } });
    await store.upsert({ id: 'b', userId: 'u', messages: messages(1) });
    await store.append('u', 'b', messages(1, 'z'), { expectedVersion: 1 });
    await store.upsert({ id: 'gone', userId: 'u', messages: messages(3) });
    await store.delete('u', 'gone');
    const snapshot = async () => JSON.stringify([await store.list('u'), await store.get('u', 'a'), await store.get('u', 'b'), await store.get('u', 'gone')]);
    const before = await snapshot();
    const [versions] = await backend.rows<{ all: number | string; final: number | string }>(`SELECT (SELECT count() FROM ${table}) AS all, (SELECT count() FROM ${table} FINAL) AS final`);
    expect(Number(versions?.all), 'replaced and deleted rows are still there before the merge').toBeGreaterThan(Number(versions?.final));
    await backend.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    expect(await snapshot()).toBe(before);
    expect(JSON.parse(before)[1]).toMatchObject({ title: 'renamed', version: 4, messageCount: 6, usage: { inputTokens: 3, costUsd: 0.25 } });
  });
});

describe('writes', () => {
  it('a turn writes only its own rows, however long the conversation', async () => {
    const { store, table } = freshStore(backend);
    for (const length of [10, 1000]) {
      const id = `len${length}`;
      await store.upsert({ id, userId: 'u', messages: messages(length) });
      let before = await physicalRows(backend, table, 'u', id);
      await store.append('u', id, messages(1, 'next'));
      expect(await physicalRows(backend, table, 'u', id), 'append: the message and one event row').toBe(before + 2);
      before = await physicalRows(backend, table, 'u', id);
      const all = [...messages(length), ...messages(1, 'next'), ...messages(1, 'more')];
      await store.upsert({ id, userId: 'u', messages: all });
      expect(await physicalRows(backend, table, 'u', id), 'upsert extending by one: message, head, event').toBe(before + 3);
      before = await physicalRows(backend, table, 'u', id);
      all[all.length - 1] = { ...all[all.length - 1]!, parts: [{ type: 'text', text: 'continued' }] };
      await store.upsert({ id, userId: 'u', messages: all });
      expect(await physicalRows(backend, table, 'u', id), 'upsert changing the last message: tombstone, message, head, event').toBe(before + 4);
      expect((await store.get('u', id))?.messages).toEqual(all);
    }
  });

  it('a write through one client is visible to the next read through another', async () => {
    const { store, table } = freshStore(backend);
    await store.migrate();
    const other = createClickHouseStore({ client: backend.newClient() }, { table });
    for (let i = 0; i < 5; i++) {
      await store.upsert({ id: 'c', userId: 'u', messages: messages(i + 1) });
      expect((await other.get('u', 'c'))?.messageCount).toBe(i + 1);
      await other.append('u', 'c', messages(1, `o${i}`));
      expect((await store.get('u', 'c'))?.version).toBe(2 * i + 2);
    }
  });

  it('of conditional writes from two clients with the same expectedVersion exactly one wins, creates included', async () => {
    const { store, table } = freshStore(backend);
    await store.migrate();
    const other = createClickHouseStore({ client: backend.newClient() }, { table });
    const creates = await Promise.allSettled([store, other, store, other].map((s, i) => s.upsert({ id: 'c', userId: 'u', messages: messages(1, `w${i}`) }, { expectedVersion: 0 })));
    expect(creates.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(creates.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    const updates = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).update('u', 'c', { title: `writer ${i}` }, { expectedVersion: 1 })));
    const winners = updates.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ title: string }>[];
    expect(winners).toHaveLength(1);
    const got = await store.get('u', 'c');
    expect(got).toMatchObject({ version: 2, title: winners[0]!.value.title });
    // After a delete the absent state is new, so a conditional create succeeds again.
    await store.delete('u', 'c');
    expect((await other.upsert({ id: 'c', userId: 'u', messages: [] }, { expectedVersion: 0 })).version).toBe(1);
  });
});
