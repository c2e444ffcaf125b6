import type { Message } from '@agent-conversations/core';
import { pageAll } from '@agent-conversations/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyKindOfWrite, msg, range, since, storeFor, text, turns, uid } from './helpers.js';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  server = await startAgentStateServer({ rateLimit: 1_000_000 });
});
afterAll(() => server.close());

const read = 'GET /v1/conversations/by-external-id/:id';
const ids = (messages: readonly Message[]): string[] => messages.map((m) => m.id);

// The generic window semantics (newest N, paging back, exact multiples, appends between pages, empty, missing,
// another user's) are the conformance suite's window checks, which conformance.test.ts runs on this store.
describe('message windows on AgentState', () => {
  it('a bad limit or cursor is VALIDATION, before any request', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: range(0, 3) });
    const from = server.requests.length;
    for (const options of [
      { limit: 0 },
      { limit: 1001 },
      { limit: 1.5 },
      { before: 'x' },
      { before: 'w1.-1' },
      { before: 'w1.01' },
    ]) {
      await expect(store.window!(u, c, options)).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    expect(server.requests.length).toBe(from);
  });

  it('the newest window of a long conversation reads the row and the entries after its anchor, never the whole conversation', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: range(0, 600) });
    // A write that stores its summary also stores where windows start reading (100 messages behind the newest).
    await store.append(u, c, [msg(600)], { usage: { inputTokens: 1 } });
    await store.append(u, c, range(601, 604));
    const from = server.requests.length;
    const window = await store.window!(u, c, { limit: 50 });
    // The two go out together (this store knows the anchor from its own write), so the log has them in either order.
    expect(since(server, from).sort()).toEqual(['GET /v1/conversations/:id', 'GET /v1/conversations/:id/messages']);
    expect(
      server.requests
        .slice(from)
        .map((r) => r.query)
        .sort(),
    ).toEqual([expect.stringMatching(/^after=[\w-]{21}&limit=500$/), 'fields=%21messages']);
    expect(window?.messages).toEqual(range(554, 604));
    const { messages, ...meta } = (await store.get(u, c))!;
    expect(window?.meta).toEqual(meta);
    // Paging back past the anchor reads the whole conversation (one request); the pages join up exactly.
    const all = await pageAll(store, u, c, 50);
    expect(all.reverse().flat()).toEqual(ids(messages));
  });

  it('windows agree with get after every kind of write (rewrites, renames, usage, appends of 1-12)', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    const list = { messages: range(0, 230), n: 230 };
    await store.upsert({ id: c, userId: u, messages: list.messages });
    const steps = everyKindOfWrite(store, u, c, list);
    let fast = 0;
    for (let round = 0; round < 3; round++) {
      for (const step of steps) {
        await step();
        const got = (await store.get(u, c))!;
        list.messages = got.messages;
        for (const limit of [1, 7, 50]) {
          const from = server.requests.length;
          const window = await store.window!(u, c, { limit });
          if (!since(server, from).includes(read)) fast += 1;
          expect(window?.messages, `round ${round}, limit ${limit}`).toEqual(list.messages.slice(-limit));
          expect(window?.meta.version).toBe(got.version);
        }
      }
    }
    expect((await pageAll(store, u, c, 64)).reverse().flat()).toEqual(ids(list.messages));
    // Most windows were served from the anchor (the rest: a rewrite cut below it, or the window reached past it).
    expect(fast).toBeGreaterThan(45);
  });

  it('a window racing a write of several requests shows the newest messages before or after it, never a mix', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: range(0, 300) });
    await store.append(u, c, [msg(300)], { usage: { inputTokens: 1 } });
    const before = JSON.stringify(ids(range(271, 301)));
    const next = [...range(0, 290), ...range(1000, 1013)];
    const after = JSON.stringify(ids(next.slice(-30)));
    // A rewrite from message 290 on: summary, then 3 requests of entries, each answered 150 ms after it is stored.
    server.inject({ kind: 'delay-after-commit', delayMs: 150, method: 'POST', path: /\/messages$/, times: 3 });
    let done = false;
    const writing = store.upsert({ id: c, userId: u, messages: next }).finally(() => (done = true));
    const seen = new Set<string>();
    while (!done) seen.add(JSON.stringify(ids((await store.window!(u, c, { limit: 30 }))!.messages)));
    await writing;
    seen.add(JSON.stringify(ids((await store.window!(u, c, { limit: 30 }))!.messages)));
    expect(
      [...seen].filter((s) => s !== before && s !== after),
      'a window showed a mix',
    ).toEqual([]);
    expect(seen).toEqual(new Set([before, after]));
  });

  it('a plain append that finds the anchor 400 messages behind stores the summary too (one more request), so windows stay cheap', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: range(0, 450) });
    const from = server.requests.length;
    await store.append(u, c, [msg(450)]);
    expect(since(server, from)).toEqual([read, 'PUT /v1/conversations/:id', 'POST /v1/conversations/:id/messages']);
    const next = server.requests.length;
    await store.append(u, c, [msg(451)]);
    expect(since(server, next)).toEqual([read, 'POST /v1/conversations/:id/messages']);
    expect((await store.window!(u, c, { limit: 20 }))?.messages).toEqual(range(432, 452));
  });
});

describe('the external id to id cache', () => {
  it('a delete with the id cached is one request', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: turns(2) });
    const from = server.requests.length;
    expect(await store.delete(u, c)).toBe(true);
    expect(since(server, from)).toEqual(['DELETE /v1/conversations/:id']);
    expect(await store.delete(u, c)).toBe(false);
    expect(await store.get(u, c)).toBeNull();
  });

  it('a conversation deleted and created again by another instance: the cached id answers 404, is evicted, and the external id is looked up once', async () => {
    const [a, b] = [storeFor(server), storeFor(server)];
    const [u, c] = [uid('u'), uid('c')];
    await a.upsert({ id: c, userId: u, messages: turns(2) });
    expect(await b.delete(u, c)).toBe(true);
    const again = [text('user', 'again')];
    await b.upsert({ id: c, userId: u, messages: again });
    let from = server.requests.length;
    expect((await a.window!(u, c))?.messages).toEqual(again);
    expect(since(server, from)).toEqual(['GET /v1/conversations/:id', read]);
    expect(server.requests[from]!.status).toBe(404);
    // The mapping is fresh now: the next window goes to the new conversation's row directly.
    from = server.requests.length;
    expect((await a.window!(u, c))?.messages).toEqual(again);
    expect(since(server, from)[0]).toBe('GET /v1/conversations/:id');
    expect(server.requests[from]!.status).toBe(200);
    // Deleted and created again once more: a's delete meets the 404, looks up, and deletes the new one.
    await b.delete(u, c);
    await b.upsert({ id: c, userId: u, messages: turns(1) });
    from = server.requests.length;
    expect(await a.delete(u, c)).toBe(true);
    expect(since(server, from)).toEqual(['DELETE /v1/conversations/:id', read, 'DELETE /v1/conversations/:id']);
    expect(await b.get(u, c)).toBeNull();
  });
});
