import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
import { freshStore, messages } from './support/fixtures.js';

let backend: Backend;
beforeAll(async () => {
  backend = await openBackend();
});
afterAll(() => backend.close());

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
    const [stored] = await backend.rows<{ n: number | string }>(
      `SELECT count() AS n FROM ${table} WHERE position(body, 'old text') > 0`,
    );
    expect(Number(stored?.n), 'deleted content is still on disk before the merge').toBeGreaterThan(0);
    await backend.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    expect(await store.get('u', 'c')).toEqual(before);
    expect((await store.list('u')).items).toEqual([{ ...meta }]);
    const [merged] = await backend.rows<{ n: number | string }>(
      `SELECT count() AS n FROM ${table} WHERE position(body, 'old text') > 0`,
    );
    expect(Number(merged?.n), 'after the merge only empty tombstones remain of the deleted rows').toBe(0);
    // The old message ids are free again.
    await store.append('u', 'c', [old[1]!]);
    expect((await store.get('u', 'c'))?.messages).toEqual([...fresh, old[1]]);
  });

  it('a write that started before a delete and lands after it is refused, and the conversation stays deleted', async () => {
    const { store, table } = freshStore(backend);
    await store.upsert({ id: 'c', userId: 'u', messages: messages(2, 'a') });
    const stale = await store.get('u', 'c'); // the store now holds this state as its cached starting point
    const other = createClickHouseStore({ client: backend.newClient() }, { table });
    expect(await other.delete('u', 'c')).toBe(true);
    await expect(
      store.append('u', 'c', messages(1, 'zombie'), { expectedVersion: stale!.version }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.append('u', 'c', messages(1, 'zombie'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.get('u', 'c')).toBeNull();
    expect((await store.list('u')).items).toEqual([]);
    const [zombies] = await backend.rows<{ n: number | string }>(
      `SELECT count() AS n FROM ${table} WHERE position(body, 'zombie') > 0`,
    );
    expect(Number(zombies?.n)).toBe(0);
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
    // Every key's rows have distinct versions (write slots), so ReplacingMergeTree never has to break a tie.
    const [ties] = await backend.rows<{ n: number | string }>(
      `SELECT count() AS n FROM (SELECT user_id, kind, conversation_id, seq, ver FROM ${table} GROUP BY user_id, kind, conversation_id, seq, ver HAVING count() > 1)`,
    );
    expect(Number(ties?.n)).toBe(0);
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
    const snapshot = async () =>
      JSON.stringify([
        await store.list('u'),
        await store.get('u', 'a'),
        await store.get('u', 'b'),
        await store.get('u', 'gone'),
      ]);
    const before = await snapshot();
    const [versions] = await backend.rows<{ all: number | string; final: number | string }>(
      `SELECT (SELECT count() FROM ${table}) AS all, (SELECT count() FROM ${table} FINAL) AS final`,
    );
    expect(Number(versions?.all), 'replaced and deleted rows are still there before the merge').toBeGreaterThan(
      Number(versions?.final),
    );
    await backend.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    expect(await snapshot()).toBe(before);
    expect(JSON.parse(before)[1]).toMatchObject({
      title: 'renamed',
      version: 4,
      messageCount: 6,
      usage: { inputTokens: 3, costUsd: 0.25 },
    });
  });
});

describe('writes', () => {
  it('a turn writes only its own rows, however long the conversation', async () => {
    const { store, table } = freshStore(backend);
    // Every row a write inserts carries its slot as version; merges never drop the newest version of a key.
    const lastWrite = async (id: string) =>
      backend.rows<{ kind: number; n: number | string }>(
        `SELECT kind, toUInt32(count()) AS n FROM ${table} WHERE user_id = 'u' AND conversation_id = {c:String} AND ver = (SELECT max(ver) FROM ${table} WHERE user_id = 'u' AND conversation_id = {c:String}) GROUP BY kind ORDER BY kind`,
        { c: id },
      );
    const rows = (head: number, message: number, event: number) => [
      { kind: 0, n: head },
      ...(message ? [{ kind: 1, n: message }] : []),
      { kind: 2, n: event },
    ];
    for (const length of [10, 1000]) {
      const id = `len${length}`;
      await store.upsert({ id, userId: 'u', messages: messages(length) });
      await store.append('u', id, messages(1, 'next'));
      expect(await lastWrite(id), 'append: the message, the head and one event row').toEqual(rows(1, 1, 1));
      const all = [...messages(length), ...messages(1, 'next'), ...messages(1, 'more')];
      await store.upsert({ id, userId: 'u', messages: all });
      expect(await lastWrite(id), 'upsert extending by one: message, head, event').toEqual(rows(1, 1, 1));
      all[all.length - 1] = { ...all[all.length - 1]!, parts: [{ type: 'text', text: 'continued' }] };
      await store.upsert({ id, userId: 'u', messages: all });
      expect(await lastWrite(id), 'upsert changing the last message: its new version, head, event').toEqual(
        rows(1, 1, 1),
      );
      await store.upsert({ id, userId: 'u', messages: all.slice(0, -1) });
      expect(await lastWrite(id), 'upsert dropping the last message: its tombstone, head, event').toEqual(
        rows(1, 1, 1),
      );
      expect((await store.get('u', id))?.messages).toEqual(all.slice(0, -1));
      const edited = all
        .slice(0, -1)
        .map((m, i) => (i === 1 ? { ...m, parts: [{ type: 'text', text: 'edited' }] } : m));
      await store.upsert({ id, userId: 'u', messages: edited });
      expect(
        await lastWrite(id),
        'upsert changing the second message: it and every later message, head, event',
      ).toEqual(rows(1, edited.length - 1, 1));
      expect((await store.get('u', id))?.messages).toEqual(edited);
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
    const creates = await Promise.allSettled(
      [store, other, store, other].map((s, i) =>
        s.upsert({ id: 'c', userId: 'u', messages: messages(1, `w${i}`) }, { expectedVersion: 0 }),
      ),
    );
    expect(creates.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(creates.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      ['CONFLICT', 'CONFLICT', 'CONFLICT'],
    );
    const updates = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? other : store).update('u', 'c', { title: `writer ${i}` }, { expectedVersion: 1 }),
      ),
    );
    const winners = updates.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ title: string }>[];
    expect(winners).toHaveLength(1);
    const got = await store.get('u', 'c');
    expect(got).toMatchObject({ version: 2, title: winners[0]!.value.title });
    // After a delete the absent state is new, so a conditional create succeeds again.
    await store.delete('u', 'c');
    expect((await other.upsert({ id: 'c', userId: 'u', messages: [] }, { expectedVersion: 0 })).version).toBe(1);
  });
});
