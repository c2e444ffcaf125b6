import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFor, text, turns, uid } from './helpers.js';
import { storedConversation } from './inspect.js';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  server = await startAgentStateServer({ rateLimit: 1_000_000 });
});
afterAll(() => server.close());

async function raw(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

describe('list and replay details', () => {
  it('orders rows that share an updated_at by conversation id across page edges, without gaps or duplicates', async () => {
    const store = storeFor(server);
    const u = uid('u');
    const ids = Array.from({ length: 9 }, (_, i) => `tie-${i}-${uid('c')}`);
    for (const id of ids) await store.upsert({ id, userId: u, messages: turns(1) });
    // AgentState breaks ties by its own random ids; make every row tie, plus one older and one newer row.
    const rows = await Promise.all(ids.map(async (id) => (await storedConversation(server, u, id))!));
    rows.forEach((row, i) => (row.updated_at = i === 0 ? 1_000 : i === 1 ? 3_000 : 2_000));
    const expected = [ids[1]!, ...ids.slice(2).sort().reverse(), ids[0]!];
    for (const limit of [1, 2, 3, 4, 50]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(u, { limit, cursor });
        seen.push(...page.items.map((m) => m.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen, `limit ${limit}`).toEqual(expected);
    }
    expect((await store.list(u, { updatedAfter: 1_999 })).items.map((m) => m.id)).toEqual(expected.slice(0, -1));
    expect((await store.list(u, { updatedAfter: 2_000 })).items.map((m) => m.id)).toEqual([ids[1]]);
  });

  it('a row whose summary ran ahead of its write (a write that failed after its PUT) lists at its updatedAt, once, on every page size', async () => {
    const store = storeFor(server, { retries: 0 });
    const u = uid('u');
    const ids = Array.from({ length: 6 }, (_, i) => `row-${i}`);
    for (const id of ids) await store.upsert({ id, userId: u, messages: turns(1) });
    const stale = (await store.get(u, ids[0]!))!;
    // The oldest conversation's rename stores its summary (moving the row's updated_at to the top), then its entry fails.
    server.inject({ kind: 'status', status: 500, method: 'POST', path: /\/messages$/ });
    await expect(store.update(u, ids[0]!, { title: 'never' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const row = (await storedConversation(server, u, ids[0]!))!;
    expect(row.updated_at).toBeGreaterThan(stale.updatedAt);
    const expected = [...ids.slice(1).reverse(), ids[0]!];
    for (const limit of [1, 2, 4, 50]) {
      const seen: { id: string; updatedAt: number }[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(u, { limit, cursor });
        seen.push(...page.items.map(({ id, updatedAt }) => ({ id, updatedAt })));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(
        seen.map((m) => m.id),
        `limit ${limit}`,
      ).toEqual(expected);
      expect(seen[seen.length - 1]).toEqual({ id: ids[0], updatedAt: stale.updatedAt });
    }
    expect((await store.list(u, { updatedAfter: stale.updatedAt })).items.map((m) => m.id)).not.toContain(ids[0]);
  });

  it('sequential writes keep their order when the server stamps them in one millisecond, or with a clock that goes backwards', async () => {
    const store = storeFor(server);
    const realNow = server.state.now.bind(server.state);
    for (const clock of ['frozen', 'backwards'] as const) {
      const [u, c] = [uid('u'), uid('c')];
      let tick = 1_700_000_000_000;
      server.state.now = () => (clock === 'frozen' ? tick : (tick -= 7));
      try {
        const expected = turns(7);
        await store.upsert({ id: c, userId: u, messages: expected.slice(0, 1) });
        for (const m of expected.slice(1, 4)) await store.append(u, c, [m]);
        await store.upsert({ id: c, userId: u, messages: expected.slice(0, 6) });
        await store.append(u, c, [expected[6]!], { usage: { inputTokens: 1 } });
        await store.update(u, c, { title: `${clock} clock` });
        for (let i = 0; i < 5; i++)
          expect(await store.get(u, c), clock).toMatchObject({
            messages: expected,
            version: 7,
            title: `${clock} clock`,
          });
      } finally {
        server.state.now = realNow;
      }
    }
  });

  it('a batch posted twice (a retry racing a slow commit) is replayed once', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: [] });
    const added = [text('user', 'a'), text('assistant', 'b')];
    await store.append(u, c, added, { usage: { outputTokens: 2 } });
    const stored = (await storedConversation(server, u, c))!;
    const batch = stored.messages
      .slice(-2)
      .map(({ role, content, metadata, token_count }) => ({ role, content, metadata, token_count }));
    await raw('POST', `/v1/conversations/${stored.id}/messages`, { messages: batch });
    const got = await store.get(u, c);
    expect(got?.messages).toEqual(added);
    expect(got?.usage).toEqual({ outputTokens: 2 });
    expect((await store.list(u)).items[0]).toMatchObject({ messageCount: 2, usage: { outputTokens: 2 } });
  });

  it('messages added to the conversation by other AgentState clients read back as text messages', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: [text('user', 'mine')] });
    const stored = (await storedConversation(server, u, c))!;
    await raw('POST', `/v1/conversations/${stored.id}/messages`, {
      messages: [{ role: 'assistant', content: 'from elsewhere' }],
    });
    const got = await store.get(u, c);
    expect(got?.messages[1]).toEqual({
      id: stored.messages[1]!.id,
      role: 'assistant',
      parts: [{ type: 'text', text: 'from elsewhere' }],
    });
    expect((await store.list(u)).items[0]).toMatchObject({ messageCount: 2 });
    expect(await store.append(u, c, [text('user', 'after')])).toMatchObject({ messageCount: 3 });
  });

  it('reads a conversation of more than 1,000 entries in one request (by-external-id has no cap), in order', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    const messages = turns(1203);
    await store.upsert({ id: c, userId: u, messages });
    await store.append(u, c, [text('user', 'last')]);
    const from = server.requests.length;
    const got = await store.get(u, c);
    expect(server.requests.length - from).toBe(1);
    expect(got?.messages).toEqual([...messages, expect.objectContaining({ parts: [{ type: 'text', text: 'last' }] })]);
    expect(got?.messageCount).toBe(1204);
  });
});
