import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalId, userTag } from '../src/ids.js';
import { expectWritesReadBack, since, storeFor, text, turns, uid } from './helpers.js';
import { storedConversation } from './inspect.js';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  server = await startAgentStateServer({ rateLimit: 1_000_000 });
});
afterAll(() => server.close());

async function raw(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe('how conversations map onto AgentState', () => {
  it('stores each message verbatim in its metadata with a never-empty text content and an API role', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    const messages = [
      text('user', 'Hello there'),
      { id: uid('m'), role: 'assistant', parts: [{ type: 'step-start' }] },
      { id: uid('m'), role: 'data', parts: [] },
      { id: uid('m'), role: 'user', parts: [{ type: 'text', text: 'nul \u0000 and lone \ud800' }] },
    ];
    await store.upsert({ id: c, userId: u, messages, metadata: { team: 'x' } });
    const stored = (await storedConversation(server, u, c))!;
    expect(stored.external_id).toBe(await externalId(u, c));
    expect(stored.tags).toEqual([await userTag(u)]);
    expect(stored.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hello there'],
      ['assistant', '[assistant: step-start]'],
      ['assistant', '[data message]'],
      ['user', 'nul \ufffd and lone \ufffd'],
    ]);
    expect(stored.messages.map((m) => JSON.parse((m.metadata!.acs as { j: string }).j))).toEqual(messages);
    expect(stored.messages.map((m) => (m.metadata!.acs as { i: number; n: number }).i)).toEqual([0, 1, 2, 3]);
    expect(stored.messages.map((m) => (m.metadata!.acs as { i: number; n: number }).n)).toEqual([4, 4, 4, 4]);
    // The first entry's token_count makes the write's stamp unique; the summary is stamped with the counters after the write.
    expect(stored.messages[0]!.token_count).toBeGreaterThanOrEqual(2 ** 24);
    expect(stored.messages.slice(1).map((m) => m.token_count)).toEqual([0, 0, 0]);
    expect(stored.metadata!.acs).toMatchObject({
      v: 2,
      u,
      c,
      b: stored.token_count,
      n: 4,
      s: { count: 4, version: 1, title: 'Hello there', metadata: '{"team":"x"}' },
    });
  });

  it('lists through the per-user tag filter, never an unfiltered scan of the project', async () => {
    const store = storeFor(server);
    const u = uid('u');
    for (let i = 0; i < 3; i++) await store.upsert({ id: uid('c'), userId: u, messages: turns(1) });
    const from = server.requests.length;
    await store.list(u, { limit: 2 });
    await store.deleteAll(u);
    const lists = server.requests.slice(from).filter((r) => r.method === 'GET' && r.path === '/v1/conversations');
    expect(lists.length).toBeGreaterThan(0);
    for (const r of lists) expect(new URLSearchParams(r.query).get('tag')).toBe(await userTag(u));
  });

  it('checks the stored owner on every read: a tag or external id that points at another user leaks nothing', async () => {
    const store = storeFor(server);
    const [a, b, c] = [uid('a'), uid('b'), uid('c')];
    await store.upsert({ id: c, userId: a, messages: turns(2), title: 'A only' });
    const stored = (await storedConversation(server, a, c))!;
    // Simulate a tag collision: A's conversation also carries B's tag.
    await raw('POST', `/v1/conversations/${stored.id}/tags`, { tags: [await userTag(b)] });
    expect(await store.list(b)).toEqual({ items: [], nextCursor: null });
    expect(await store.deleteAll(b)).toBe(0);
    // Simulate an external id collision: B's external id held by a conversation A owns.
    const d = uid('c');
    await raw('POST', '/v1/conversations', {
      external_id: await externalId(b, d),
      title: 'A',
      metadata: stored.metadata,
    });
    expect(await store.get(b, d)).toBeNull();
    expect(await store.delete(b, d)).toBe(false);
    await expect(store.append(b, d, [text('user', 'x')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.upsert({ id: d, userId: b, messages: [] })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.get(a, c))?.title).toBe('A only');
  });
});

describe('user ids', () => {
  it('user ids that differ only by a lone surrogate are different users', async () => {
    const store = storeFor(server);
    const [base, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: `${base}\ud800`, messages: turns(1) });
    expect(await store.get(`${base}\ud801`, c)).toBeNull();
    expect((await store.list(`${base}\ud801`)).items).toEqual([]);
    expect((await store.get(`${base}\ud800`, c))?.userId).toBe(`${base}\ud800`);
    // Each has its own tag and external id, so the second user can use the same conversation id.
    expect(await store.upsert({ id: c, userId: `${base}\ud801`, messages: [] })).toMatchObject({
      version: 1,
      userId: `${base}\ud801`,
    });
    expect((await store.get(`${base}\ud800`, c))?.messageCount).toBe(1);
  });
});

describe('writes', () => {
  it("keeps an imported createdAt; updatedAt is always AgentState's own clock", async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    const before = Date.now();
    const meta = await store.upsert({
      id: c,
      userId: u,
      messages: turns(1),
      createdAt: 1_600_000_000_000,
      updatedAt: 1_600_000_500_000,
    });
    expect(meta.createdAt).toBe(1_600_000_000_000);
    expect(meta.updatedAt).toBeGreaterThanOrEqual(before);
    expect(await store.get(u, c)).toMatchObject({ createdAt: 1_600_000_000_000, updatedAt: meta.updatedAt });
    expect((await store.append(u, c, [text('user', 'x')])).createdAt).toBe(1_600_000_000_000);
  });

  it('requests per call: plain append and unchanged-prefix upsert 2, get 1, list 1, other writes 3, at most 5 messages per request', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    const first = turns(6);
    await store.upsert({ id: c, userId: u, messages: first });
    const count = async (op: () => Promise<unknown>): Promise<string[]> => {
      const from = server.requests.length;
      await op();
      return since(server, from);
    };
    const read = 'GET /v1/conversations/by-external-id/:id';
    const post = 'POST /v1/conversations/:id/messages';
    const put = 'PUT /v1/conversations/:id';
    const extended = [...first, text('user', 'next')];
    expect(await count(() => store.upsert({ id: c, userId: u, messages: extended }))).toEqual([read, post]);
    // The AI SDK onFinish pattern repeats model and metadata every turn: unchanged, they keep the write plain.
    const [x, y] = [text('assistant', 'x'), text('user', 'y')];
    expect(
      await count(() => store.upsert({ id: c, userId: u, messages: [...extended, x], model: 'm', metadata: { a: 1 } })),
    ).toEqual([read, put, post]);
    expect(
      await count(() =>
        store.upsert({ id: c, userId: u, messages: [...extended, x, y], model: 'm', metadata: { a: 1 } }),
      ),
    ).toEqual([read, post]);
    expect(
      await count(() => store.upsert({ id: c, userId: u, messages: extended, model: 'm', metadata: { a: 1 } })),
    ).toEqual([read, put, post]);
    expect(await count(() => store.append(u, c, turns(5)))).toEqual([read, post]);
    expect(await count(() => store.get(u, c))).toEqual([read]);
    expect(await count(() => store.list(u))).toEqual(['GET /v1/conversations']);
    expect(await count(() => store.update(u, c, { title: 'Renamed' }))).toEqual([read, put, post]);
    expect(await count(() => store.append(u, c, [text('user', 'with usage')], { usage: { inputTokens: 3 } }))).toEqual([
      read,
      put,
      post,
    ]);
    const rewritten = [first[0]!, text('user', 'edited'), first[2]!];
    expect(await count(() => store.upsert({ id: c, userId: u, messages: rewritten }))).toEqual([read, put, post]);
    expect(await count(() => store.list(u))).toEqual(['GET /v1/conversations']);
    expect(await store.get(u, c)).toMatchObject({
      messages: rewritten,
      version: 9,
      title: 'Renamed',
      model: 'm',
      metadata: { a: 1 },
      usage: { inputTokens: 3 },
    });
    // 23 messages go out as 5 + 5 + 5 + 5 + 3: no request carries more than the server takes.
    const long = turns(23);
    const from = server.requests.length;
    await store.upsert({ id: c, userId: u, messages: long });
    expect(since(server, from)).toEqual([read, put, post, post, post, post, post]);
    expect(server.requests.slice(from).every((r) => r.status < 300)).toBe(true);
    expect((await store.get(u, c))?.messages).toEqual(long);
    // An append of 7 to an existing conversation (500 on the genuine server in one request) goes out as 5 + 2.
    const seven = turns(7);
    expect(await count(() => store.append(u, c, seven))).toEqual([read, put, post, post]);
    expect((await store.get(u, c))?.messages).toEqual([...long, ...seven]);
  });

  it("a write returns the updatedAt that get and list return afterwards (not PUT's later clock reading)", async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await expectWritesReadBack(store, u, c);
  });

  it('a create cut short before its tag shows nothing, and the retry completes it', async () => {
    const store = storeFor(server, { retries: 1 });
    const [u, c] = [uid('u'), uid('c')];
    const messages = turns(3);
    server.inject({ kind: 'status', status: 500, method: 'POST', path: /\/tags$/, times: 2 });
    await expect(store.upsert({ id: c, userId: u, messages })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
    });
    expect(await store.get(u, c)).toBeNull();
    expect((await store.list(u)).items).toEqual([]);
    await expect(store.append(u, c, [text('user', 'x')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.upsert({ id: c, userId: u, messages })).toMatchObject({ version: 1, messageCount: 3 });
    expect((await store.get(u, c))?.messages).toEqual(messages);
    expect((await store.list(u)).items.map((m) => m.id)).toEqual([c]);
  });

  it('keeps working under the documented rate limit by honouring Retry-After', async () => {
    const limited = await startAgentStateServer({ rateLimit: 3, windowMs: 1000 });
    try {
      const store = storeFor(limited);
      const [u, c] = [uid('u'), uid('c')];
      await store.upsert({ id: c, userId: u, messages: turns(2) });
      await store.append(u, c, [text('user', 'again')]);
      expect(limited.requests.some((r) => r.status === 429)).toBe(true);
      expect((await store.get(u, c))?.messageCount).toBe(3);
    } finally {
      await limited.close();
    }
  });

  it('an append to 1,000 messages makes as many requests as an append to 10 (the window anchor refresh aside: once per 400 messages)', async () => {
    const store = storeFor(server);
    const counts: number[] = [];
    for (const size of [10, 1000]) {
      const [u, c] = [uid('u'), uid('c')];
      await store.upsert({ id: c, userId: u, messages: turns(size) });
      // The first append after the 1,000-message create moves the window anchor up (one summary PUT); the next are plain.
      await store.append(u, c, [text('user', 'first')]);
      const from = server.requests.length;
      await store.append(u, c, [text('user', 'one more')]);
      counts.push(server.requests.length - from);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
