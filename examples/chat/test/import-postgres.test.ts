// importLocalHistory from a browser store into the real Postgres store (no page needed: the browser
// store runs on any Storage-like object). Proves idempotency, conflict reporting and clearing against SQL.
import {
  createTestDatabase,
  startPgServer,
  type PgServer,
  type TestDatabase,
} from '@agent-conversations/pg-test-server';
import { createBrowserStore, createMemoryStorage, importLocalHistory } from '@agent-conversations/store-browser';
import { createPostgresStore } from '@agent-conversations/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const say = (id: string, role: 'user' | 'assistant', text: string) => ({ id, role, parts: [{ type: 'text', text }] });

describe('importLocalHistory into Postgres', () => {
  let server: PgServer | undefined;
  let db: TestDatabase;
  beforeAll(async () => {
    server = process.env.DATABASE_URL ? undefined : await startPgServer();
    db = await createTestDatabase(process.env.DATABASE_URL ?? server!.url, 'import');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.destroy();
  });

  it('copies local conversations once, reports a conflicting id, and clears local copies only after the server has them', async () => {
    const local = createBrowserStore({ storage: createMemoryStorage() });
    const remote = createPostgresStore({ connectionString: db.url });
    try {
      await local.upsert({
        id: 'trip',
        userId: 'anon-1',
        messages: [say('a1', 'user', 'Plan a trip to Rome'), say('a2', 'assistant', 'Day 1: the Forum')],
      });
      await local.upsert({
        id: 'list',
        userId: 'anon-1',
        messages: [say('b1', 'user', 'Packing list?')],
        metadata: { pinned: true },
      });
      await local.upsert({ id: 'clash', userId: 'anon-1', messages: [say('c1', 'user', 'local version')] });
      await remote.upsert({ id: 'clash', userId: 'alice', messages: [say('c1', 'user', 'server version')] });

      const first = await importLocalHistory({ from: local, to: remote, userId: 'alice', fromUserId: 'anon-1' });
      expect(first).toMatchObject({ imported: 2, skipped: 0, rejected: [], cleared: 0 });
      expect(first.conflicts.map((c) => c.id)).toEqual(['clash']);
      const trip = await remote.get('alice', 'trip');
      expect(trip).toMatchObject({ userId: 'alice', title: 'Plan a trip to Rome', messageCount: 2 });
      expect(JSON.stringify(trip?.messages)).toBe(JSON.stringify((await local.get('anon-1', 'trip'))?.messages));
      expect((await remote.get('alice', 'clash'))?.messages[0]).toMatchObject({ parts: [{ text: 'server version' }] });

      const again = await importLocalHistory({
        from: local,
        to: remote,
        userId: 'alice',
        fromUserId: 'anon-1',
        clearLocal: true,
      });
      expect(again).toMatchObject({ imported: 0, skipped: 2, cleared: 2 });
      expect(again.conflicts.map((c) => c.id)).toEqual(['clash']);
      expect((await local.list('anon-1')).items.map((c) => c.id)).toEqual(['clash']);
      expect((await remote.list('alice')).items.map((c) => c.id).sort()).toEqual(['clash', 'list', 'trip']);
      expect(await remote.get('anon-1', 'trip')).toBeNull();
    } finally {
      await remote.close();
    }
  });
});
