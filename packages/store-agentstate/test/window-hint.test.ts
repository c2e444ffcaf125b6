import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyKindOfWrite, msg, range, since, storeFor, uid } from './helpers.js';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  server = await startAgentStateServer({ rateLimit: 1_000_000 });
});
afterAll(() => server.close());

const ROW = 'GET /v1/conversations/:id';
const PAGE = 'GET /v1/conversations/:id/messages';
const READ = 'GET /v1/conversations/by-external-id/:id';
/** Holds the answers to the next row read and the next page read, so two requests sent in one round are sure to meet. */
const holdRound = (): void => {
  server.inject({ kind: 'delay-after-commit', delayMs: 300, method: 'GET', path: /^\/v1\/conversations\/[\w-]+$/ });
  server.inject({ kind: 'delay-after-commit', delayMs: 300, method: 'GET', path: /\/messages$/ });
};
/** The `after=` message id of each page read since `from`. */
const afters = (from: number): string[] =>
  server.requests
    .slice(from)
    .flatMap((r) => (r.path.endsWith('/messages') ? [/after=([\w-]+)/.exec(r.query)![1]!] : []));

/** A conversation of 300 messages whose summary carries a window anchor, written by a new store (which knows its hint). */
async function anchored(): Promise<{ u: string; c: string; writer: ReturnType<typeof storeFor> }> {
  const writer = storeFor(server);
  const [u, c] = [uid('u'), uid('c')];
  await writer.upsert({ id: c, userId: u, messages: range(0, 299) });
  await writer.append(u, c, [msg(299)], { usage: { inputTokens: 1 } });
  return { u, c, writer };
}

describe('the window anchor hint: the newest window in one round', () => {
  it('with a hint the row and the page after it go out together; without one the page waits for the row, which teaches the hint', async () => {
    const { u, c, writer } = await anchored();
    // A store that created the conversation while it had no anchor: it has the id but no hint.
    const reader = storeFor(server);
    const [v, d] = [uid('u'), uid('c')];
    await reader.upsert({ id: d, userId: v, messages: range(0, 3) });
    await writer.upsert({ id: d, userId: v, messages: range(0, 250) });
    await writer.append(v, d, [msg(250)], { usage: { inputTokens: 1 } });
    holdRound();
    let from = server.requests.length;
    expect((await reader.window!(v, d, { limit: 20 }))?.messages).toEqual(range(231, 251));
    expect(since(server, from)).toEqual([ROW, PAGE]);
    expect(server.requests[from + 1]!.concurrent).toBe(0);
    // The row taught the hint: the next window sends both at once (the page arrives while the row is still held).
    holdRound();
    from = server.requests.length;
    expect((await reader.window!(v, d, { limit: 20 }))?.messages).toEqual(range(231, 251));
    expect(since(server, from).sort()).toEqual([ROW, PAGE]);
    expect(Math.max(...server.requests.slice(from).map((r) => r.concurrent))).toBe(1);
    // The writer learned its hint from its own write.
    holdRound();
    from = server.requests.length;
    const window = await writer.window!(u, c, { limit: 50 });
    expect(since(server, from).sort()).toEqual([ROW, PAGE]);
    expect(Math.max(...server.requests.slice(from).map((r) => r.concurrent))).toBe(1);
    const { messages, ...meta } = (await writer.get(u, c))!;
    expect(window).toEqual({ meta, messages: messages.slice(-50), nextCursor: 'w1.250' });
    expect(server.pendingFaults()).toBe(0);
  });

  it('a hint another instance made stale by moving the anchor costs one wasted page, then the window read after the row’s anchor', async () => {
    const { u, c, writer } = await anchored();
    const other = storeFor(server);
    // 150 more messages in one write: its summary moves the anchor up.
    await other.upsert({ id: c, userId: u, messages: range(0, 450) });
    const from = server.requests.length;
    const window = await writer.window!(u, c, { limit: 50 });
    const got = since(server, from);
    expect(got.slice(0, 2).sort()).toEqual([ROW, PAGE]);
    expect(got.slice(2)).toEqual([PAGE]);
    const [stale, fresh] = afters(from);
    expect(stale).not.toBe(fresh);
    const { messages, ...meta } = (await other.get(u, c))!;
    expect(window).toEqual({ meta, messages: messages.slice(-50), nextCursor: 'w1.400' });
    // The row refreshed the hint: two requests again, after the new anchor.
    const next = server.requests.length;
    expect((await writer.window!(u, c, { limit: 50 }))?.messages).toEqual(messages.slice(-50));
    expect(since(server, next).sort()).toEqual([ROW, PAGE]);
    expect(afters(next)).toEqual([fresh]);
  });

  it('a conversation deleted and created again by another instance: the row and page both meet 404, the external id is looked up, and the window is the new one', async () => {
    const { u, c, writer } = await anchored();
    const other = storeFor(server);
    expect(await other.delete(u, c)).toBe(true);
    await other.upsert({ id: c, userId: u, messages: range(1000, 1299) });
    await other.append(u, c, [msg(1299)], { usage: { outputTokens: 1 } });
    let from = server.requests.length;
    const window = await writer.window!(u, c, { limit: 50 });
    const got = since(server, from);
    expect(got.slice(0, 2).sort()).toEqual([ROW, PAGE]);
    expect(got.slice(2)).toEqual([READ]);
    expect(server.requests.slice(from, from + 2).map((r) => r.status)).toEqual([404, 404]);
    const { messages, ...meta } = (await other.get(u, c))!;
    expect(window).toEqual({ meta, messages: range(1250, 1300), nextCursor: 'w1.250' });
    expect(messages).toEqual(range(1000, 1300));
    // The whole read taught the new id and its anchor.
    from = server.requests.length;
    expect((await writer.window!(u, c, { limit: 50 }))?.messages).toEqual(range(1250, 1300));
    expect(since(server, from).sort()).toEqual([ROW, PAGE]);
  });

  it('a reader with a hint agrees with get after every kind of write another instance makes', async () => {
    const { u, c, writer: reader } = await anchored();
    const other = storeFor(server);
    const list = { messages: range(0, 300), n: 300 };
    const steps = [...everyKindOfWrite(other, u, c, list), () => other.append(u, c, range(list.n, (list.n += 130)))];
    let oneRound = 0;
    for (let round = 0; round < 2; round++) {
      for (const [s, step] of steps.entries()) {
        await step();
        const { messages: all, ...meta } = (await other.get(u, c))!;
        list.messages = all;
        for (const limit of [1, 7, 50]) {
          const from = server.requests.length;
          const window = await reader.window!(u, c, { limit });
          expect(window?.messages, `round ${round}, step ${s}, limit ${limit}`).toEqual(all.slice(-limit));
          expect(window?.meta).toEqual(meta);
          const sent = since(server, from);
          if (sent.length === 2 && !sent.includes(READ)) oneRound += 1;
        }
      }
    }
    // Most windows were the row and the page after the hint (the rest: the first after a write that moved the anchor wastes the
    // page read after the old one; a window reaching back past the anchor after the rewrite is read whole).
    expect(oneRound).toBeGreaterThan(20);
  });

  it('keeps to the rate budget: a warm window is two requests; a 429 on the page read alongside the row is waited out', async () => {
    const { u, c, writer } = await anchored();
    const from = server.requests.length;
    for (let i = 0; i < 10; i++) await writer.window!(u, c, { limit: 50 });
    expect(server.requests.length - from).toBe(20);
    server.inject({ kind: 'rate-limit', retryAfter: 1, method: 'GET', path: /\/messages$/ });
    const next = server.requests.length;
    expect((await writer.window!(u, c, { limit: 50 }))?.messages).toEqual(range(250, 300));
    expect(
      server.requests
        .slice(next)
        .map((r) => `${r.path.endsWith('/messages') ? 'page' : 'row'} ${r.status}`)
        .sort(),
    ).toEqual(['page 200', 'page 429', 'row 200']);
  });
});
