import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalId, userTag } from '../src/ids.js';
import { since, storeFor, text, turns, uid } from './helpers.js';
import { storedConversation } from './inspect.js';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  server = await startAgentStateServer({ rateLimit: 1_000_000 });
});
afterAll(() => server.close());

async function raw(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

describe('how conversations map onto AgentState', () => {
  it('stores each message verbatim in its metadata with a never-empty text content and an API role', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    const messages = [text('user', 'Hello there'), { id: uid('m'), role: 'assistant', parts: [{ type: 'step-start' }] }, { id: uid('m'), role: 'data', parts: [] }, { id: uid('m'), role: 'user', parts: [{ type: 'text', text: 'nul \u0000 and lone \ud800' }] }];
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
    expect(stored.messages.map((m) => m.token_count)).toEqual([1, 0, 0, 0]);
    expect(stored.metadata!.acs).toMatchObject({ v: 1, u, c, t: 1, b: 1, n: 4, s: { count: 4, metadata: '{"team":"x"}' } });
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
    await raw('POST', '/v1/conversations', { external_id: await externalId(b, d), title: 'A', metadata: stored.metadata });
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
    expect(await store.upsert({ id: c, userId: `${base}\ud801`, messages: [] })).toMatchObject({ version: 1, userId: `${base}\ud801` });
    expect((await store.get(`${base}\ud800`, c))?.messageCount).toBe(1);
  });
});

describe('writes', () => {
  it('keeps an imported createdAt; updatedAt is always AgentState\'s own clock', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    const before = Date.now();
    const meta = await store.upsert({ id: c, userId: u, messages: turns(1), createdAt: 1_600_000_000_000, updatedAt: 1_600_000_500_000 });
    expect(meta.createdAt).toBe(1_600_000_000_000);
    expect(meta.updatedAt).toBeGreaterThanOrEqual(before);
    expect(await store.get(u, c)).toMatchObject({ createdAt: 1_600_000_000_000, updatedAt: meta.updatedAt });
    expect((await store.append(u, c, [text('user', 'x')])).createdAt).toBe(1_600_000_000_000);
  });

  it('an upsert that extends posts only the new messages; a rewrite posts from the first change in one request', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    const first = turns(6);
    await store.upsert({ id: c, userId: u, messages: first });
    const stored = (await storedConversation(server, u, c))!;
    const posted = (): number => stored.messages.length;
    let from = server.requests.length;
    await store.upsert({ id: c, userId: u, messages: [...first, text('user', 'next')] });
    expect(since(server, from)).toEqual(['GET /v1/conversations/by-external-id/:id', 'POST /v1/conversations/:id/messages', 'PUT /v1/conversations/:id']);
    expect(posted()).toBe(7);
    from = server.requests.length;
    const rewritten = [first[0]!, text('user', 'edited'), first[2]!];
    const meta = await store.upsert({ id: c, userId: u, messages: rewritten });
    expect(since(server, from).filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/conversations/:id/messages']);
    expect(posted()).toBe(9);
    expect(meta).toMatchObject({ messageCount: 3, version: 3 });
    expect((await store.get(u, c))?.messages).toEqual(rewritten);
  });

  it('when the summary refresh fails the write still counts and readers fall back to the messages', async () => {
    const store = storeFor(server, { retries: 1 });
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: turns(2), title: 'Before' });
    server.inject({ kind: 'status', status: 500, method: 'PUT', times: 2 });
    const meta = await store.update(u, c, { title: 'After', metadata: { k: 1 } });
    expect(meta).toMatchObject({ title: 'After', version: 2, metadata: { k: 1 } });
    expect(store.warnings.join('\n')).toMatch(/refreshing the conversation summary failed.*HTTP 500/);
    const [listed] = (await store.list(u)).items;
    expect(listed).toMatchObject({ id: c, title: 'After', version: 2, messageCount: 2, metadata: { k: 1 } });
    expect(await store.get(u, c)).toMatchObject({ title: 'After', version: 2, metadata: { k: 1 } });
    // The next successful write repairs the summary: list reads no messages again.
    await store.append(u, c, [text('user', 'more')]);
    const from = server.requests.length;
    expect((await store.list(u)).items[0]).toMatchObject({ title: 'After', version: 3, messageCount: 3 });
    expect(since(server, from)).toEqual(['GET /v1/conversations']);
  });

  it('a create cut short before its tag is repaired on the next access', async () => {
    const store = storeFor(server, { retries: 1 });
    const [u, c] = [uid('u'), uid('c')];
    server.inject({ kind: 'status', status: 500, method: 'POST', path: /\/tags$/, times: 2 });
    await expect(store.upsert({ id: c, userId: u, messages: turns(1) })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await store.list(u)).items).toEqual([]);
    expect((await store.get(u, c))?.messageCount).toBe(1);
    expect((await store.list(u)).items.map((m) => m.id)).toEqual([c]);
    expect((await storedConversation(server, u, c))?.metadata?.acs).toMatchObject({ t: 1 });
  });

  it('keeps working under the documented rate limit by honouring Retry-After', async () => {
    const limited = await startAgentStateServer({ rateLimit: 4, windowMs: 1000 });
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

  it('an append to 1,000 messages makes as many requests as an append to 10', async () => {
    const store = storeFor(server);
    const counts: number[] = [];
    for (const size of [10, 1000]) {
      const [u, c] = [uid('u'), uid('c')];
      await store.upsert({ id: c, userId: u, messages: turns(size) });
      const from = server.requests.length;
      await store.append(u, c, [text('user', 'one more')]);
      counts.push(server.requests.length - from);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
