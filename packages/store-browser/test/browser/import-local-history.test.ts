import { ConversationStoreError, createMemoryStore, type ConversationStore } from '@agent-conversations/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserStore, importLocalHistory } from '../../src/index.js';
import { text } from './raw.js';

const namespace = 'import';
const anon = 'anon-7f3a';

/** A server store that goes down (UNAVAILABLE) for writes after `okWrites` successful ones, like a server restarting mid-import. */
function flaky(server: ConversationStore, okWrites: number): ConversationStore & { recover(): void } {
  let left = okWrites;
  return Object.assign(Object.create(server) as ConversationStore, {
    upsert: (...args: Parameters<ConversationStore['upsert']>) => {
      if (left <= 0)
        return Promise.reject(new ConversationStoreError('UNAVAILABLE', 'server restarting', { adapter: 'test' }));
      left -= 1;
      return server.upsert(...args);
    },
    recover: () => (left = Infinity),
  });
}

async function seedLocal(count: number): Promise<ReturnType<typeof createBrowserStore>> {
  localStorage.clear();
  const local = createBrowserStore({ namespace });
  for (let i = 0; i < count; i++) {
    await local.upsert({
      id: `c${i}`,
      userId: anon,
      messages: [text(`m${i}a`, `question ${i}`), text(`m${i}b`, `answer ${i}`, 'assistant')],
      usage: { inputTokens: i },
      createdAt: 1000 + i,
      updatedAt: 2000 + i,
    });
  }
  return local;
}

describe('importLocalHistory into the memory store', () => {
  afterEach(() => localStorage.clear());

  it('copies every local conversation to the signed-in user, keeping titles, usage and timestamps', async () => {
    const local = await seedLocal(205);
    const server = createMemoryStore();
    const result = await importLocalHistory({ from: local, to: server, fromUserId: anon, userId: 'user-1' });
    expect(result).toEqual({ imported: 205, skipped: 0, conflicts: [], rejected: [], cleared: 0 });
    const copy = await server.get('user-1', 'c7');
    const original = await local.get(anon, 'c7');
    expect(copy).toMatchObject({
      title: 'question 7',
      usage: { inputTokens: 7 },
      createdAt: 1007,
      updatedAt: 2007,
      messages: original!.messages,
    });
    expect((await local.list(anon, { limit: 200 })).items).toHaveLength(200);
    expect(await server.get(anon, 'c7')).toBeNull();
  });

  it('copies nothing twice: a second run skips what the server already holds, even if continued there', async () => {
    const local = await seedLocal(3);
    const server = createMemoryStore();
    await importLocalHistory({ from: local, to: server, fromUserId: anon, userId: 'user-1' });
    await server.append('user-1', 'c1', [text('later', 'continued on another device')]);
    const versions = await Promise.all(['c0', 'c1', 'c2'].map(async (id) => (await server.get('user-1', id))!.version));

    const again = await importLocalHistory({ from: local, to: server, fromUserId: anon, userId: 'user-1' });
    expect(again).toEqual({ imported: 0, skipped: 3, conflicts: [], rejected: [], cleared: 0 });
    expect(await Promise.all(['c0', 'c1', 'c2'].map(async (id) => (await server.get('user-1', id))!.version))).toEqual(
      versions,
    );
  });

  it('reports an id the server holds with other messages, overwrites nothing and keeps the local copy', async () => {
    const local = await seedLocal(2);
    const server = createMemoryStore();
    await server.upsert({ id: 'c1', userId: 'user-1', messages: [text('x', 'a different chat')] });
    const result = await importLocalHistory({
      from: local,
      to: server,
      fromUserId: anon,
      userId: 'user-1',
      clearLocal: true,
    });
    expect(result.imported).toBe(1);
    expect(result.conflicts).toEqual([
      { id: 'c1', reason: expect.stringContaining('other messages under this id (1 there, 2 here)') as string },
    ]);
    expect(result.cleared).toBe(1);
    expect((await server.get('user-1', 'c1'))!.messages).toEqual([text('x', 'a different chat')]);
    expect((await local.list(anon)).items.map((m) => m.id)).toEqual(['c1']);
  });

  it('clears local copies only when asked, and only those the server acknowledged', async () => {
    const local = await seedLocal(4);
    const memory = createMemoryStore();
    const server = flaky(memory, 2);
    await expect(
      importLocalHistory({ from: local, to: server, fromUserId: anon, userId: 'user-1', clearLocal: true }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await local.list(anon)).items).toHaveLength(2);
    expect((await memory.list('user-1')).items).toHaveLength(2);

    server.recover();
    const rest = await importLocalHistory({
      from: local,
      to: server,
      fromUserId: anon,
      userId: 'user-1',
      clearLocal: true,
    });
    expect(rest).toEqual({ imported: 2, skipped: 0, conflicts: [], rejected: [], cleared: 2 });
    expect((await local.list(anon)).items).toEqual([]);
    expect((await memory.list('user-1')).items.map((m) => m.id).sort()).toEqual(['c0', 'c1', 'c2', 'c3']);

    const keep = await seedLocal(2);
    await importLocalHistory({ from: keep, to: createMemoryStore(), fromUserId: anon, userId: 'user-1' });
    expect((await keep.list(anon)).items).toHaveLength(2);
  });

  it('reports conversations the server refuses as invalid and keeps them locally', async () => {
    const local = await seedLocal(2);
    const memory = createMemoryStore();
    const picky = Object.assign(Object.create(memory) as ConversationStore, {
      upsert: (...args: Parameters<ConversationStore['upsert']>) =>
        args[0].id === 'c0'
          ? Promise.reject(new ConversationStoreError('VALIDATION', 'a value this backend cannot hold'))
          : memory.upsert(...args),
    });
    const result = await importLocalHistory({
      from: local,
      to: picky,
      fromUserId: anon,
      userId: 'user-1',
      clearLocal: true,
    });
    expect(result).toEqual({
      imported: 1,
      skipped: 0,
      conflicts: [],
      rejected: [{ id: 'c0', reason: 'a value this backend cannot hold' }],
      cleared: 1,
    });
    expect((await local.list(anon)).items.map((m) => m.id)).toEqual(['c0']);
  });

  it('validates the user ids before reading anything', async () => {
    const local = await seedLocal(1);
    await expect(importLocalHistory({ from: local, to: createMemoryStore(), userId: '' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});
