import type { ConversationStoreError } from '@agent-conversations/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentStateStore } from '../src/index.js';
import { storedConversation } from './inspect.js';
import { since, storeFor, text, turns, uid } from './helpers.js';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  server = await startAgentStateServer({ rateLimit: 1_000_000 });
});
afterAll(() => server.close());

async function failure(promise: Promise<unknown>): Promise<ConversationStoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the call to fail').toBeInstanceOf(Error);
  return error as ConversationStoreError;
}

/** Everything an error exposes: message, stack, JSON and the cause chain. */
function exposed(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 6; depth++) {
    parts.push(current.message, current.stack ?? '', JSON.stringify(current));
    current = current.cause;
  }
  return parts.join('\n');
}

describe('faults injected by the test server', () => {
  it('waits out a 429 Retry-After and then succeeds', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    server.inject({ kind: 'rate-limit', retryAfter: 1, method: 'GET' });
    const from = server.requests.length;
    await store.upsert({ id: c, userId: u, messages: turns(2) });
    expect(
      server.requests
        .slice(from)
        .map((r) => r.status)
        .slice(0, 2),
    ).toEqual([429, 404]);
    expect((await store.get(u, c))?.messageCount).toBe(2);
  });

  it('gives up at once with a retryable UNAVAILABLE when Retry-After exceeds maxRetryAfterMs', async () => {
    const store = storeFor(server, { maxRetryAfterMs: 1000 });
    server.inject({ kind: 'rate-limit', retryAfter: 120 });
    const from = server.requests.length;
    const error = await failure(store.get(uid('u'), uid('c')));
    expect(error).toMatchObject({ name: 'ConversationStoreError', code: 'UNAVAILABLE', retryable: true });
    expect(error.message).toContain('retry after 120 s');
    expect(server.requests.length - from).toBe(1);
  });

  it('retries 500s on reads and answers once the server recovers', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: turns(3) });
    server.inject({ kind: 'status', status: 500, times: 2, method: 'GET' });
    expect((await store.get(u, c))?.messages).toHaveLength(3);
  });

  it('reports persistent 500s as UNAVAILABLE with the request id and without the key', async () => {
    const store = storeFor(server, { retries: 2 });
    server.inject({ kind: 'status', status: 503, times: 3 });
    const from = server.requests.length;
    const error = await failure(store.list(uid('u')));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, adapter: 'agentstate' });
    const last = server.requests[server.requests.length - 1]!;
    expect(server.requests.length - from).toBe(3);
    expect(error.message).toContain(last.requestId);
    expect(exposed(error)).not.toContain(server.apiKey);
    expect(exposed(error)).not.toContain(server.baseUrl);
  });

  it('retries a dropped connection on a read', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: turns(1) });
    server.inject({ kind: 'drop', method: 'GET' });
    expect((await store.get(u, c))?.messageCount).toBe(1);
  });

  it('resolves a create whose response was lost after the commit by its external id: one conversation, version 1', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    server.inject({ kind: 'drop-after-commit', method: 'POST', path: /^\/v1\/conversations$/ });
    const from = server.requests.length;
    const meta = await store.upsert({ id: c, userId: u, messages: turns(2) });
    expect(meta).toMatchObject({ version: 1, messageCount: 2 });
    expect(since(server, from).filter((r) => r === 'POST /v1/conversations')).toHaveLength(1);
    expect(
      [...server.state.conversations.values()].filter((x) => (x.metadata?.acs as { c?: string } | undefined)?.c === c),
    ).toHaveLength(1);
    expect((await store.list(u)).items.map((m) => m.id)).toEqual([c]);
  });

  it('resolves a create answered 500 after the commit without creating twice', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    server.inject({ kind: 'error-after-commit', method: 'POST', path: /^\/v1\/conversations$/ });
    const meta = await store.upsert({ id: c, userId: u, messages: turns(1) });
    expect(meta.version).toBe(1);
    expect((await storedConversation(server, u, c))?.messages).toHaveLength(1);
  });

  it('retries a create whose connection dropped before the server saw it', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    server.inject({ kind: 'drop', method: 'POST', path: /^\/v1\/conversations$/ });
    expect(await store.upsert({ id: c, userId: u, messages: turns(2) })).toMatchObject({ version: 1, messageCount: 2 });
  });

  it('an append whose response is lost, answered 500 or too slow is stored exactly once', async () => {
    const store = storeFor(server, { timeoutMs: 1000 });
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: [] });
    const added = [text('user', 'one'), text('user', 'two'), text('user', 'three')];
    const messages = /\/messages$/;
    server.inject({ kind: 'drop-after-commit', method: 'POST', path: messages });
    await store.append(u, c, [added[0]!], { usage: { inputTokens: 1 } });
    server.inject({ kind: 'error-after-commit', method: 'POST', path: messages });
    await store.append(u, c, [added[1]!], { usage: { inputTokens: 1 } });
    server.inject({ kind: 'delay-after-commit', delayMs: 3000, method: 'POST', path: messages });
    const meta = await store.append(u, c, [added[2]!], { usage: { inputTokens: 1 } });
    expect(meta).toMatchObject({ version: 4, messageCount: 3, usage: { inputTokens: 3 } });
    const got = await store.get(u, c);
    expect(got?.messages).toEqual(added);
    expect(got?.usage).toEqual({ inputTokens: 3 });
    expect((await storedConversation(server, u, c))?.messages).toHaveLength(4);
  });

  it('an append whose connection dropped before the server saw it is posted again, once', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: [] });
    server.inject({ kind: 'drop', method: 'POST', path: /\/messages$/ });
    await store.append(u, c, [text('user', 'hello')]);
    expect((await store.get(u, c))?.messages.map((m) => m.id)).toHaveLength(1);
  });

  it('a read slower than the timeout is retried', async () => {
    const store = storeFor(server, { timeoutMs: 1000 });
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: turns(1) });
    server.inject({ kind: 'delay-after-commit', delayMs: 3000, method: 'GET' });
    expect((await store.get(u, c))?.messageCount).toBe(1);
  });

  it('a write that stays ambiguous after every retry fails with a retryable error and is never duplicated', async () => {
    const store = storeFor(server, { retries: 1 });
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: [] });
    server.inject({ kind: 'drop', method: 'POST', path: /\/messages$/, times: 2 });
    const error = await failure(store.append(u, c, [text('user', 'lost')]));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect((await store.get(u, c))?.messages).toEqual([]);
  });

  it('reports a base URL that reaches no AgentState API as CONFIG, not as a missing conversation', async () => {
    const store = storeFor(server, { baseUrl: server.baseUrl.replace(/\/api$/, '/elsewhere') });
    const error = await failure(store.get(uid('u'), uid('c')));
    expect(error).toMatchObject({ code: 'CONFIG' });
    expect(error.message).toContain('AGENTSTATE_API_BASE');
  });

  it('maps a revoked key to UNAUTHORIZED, a missing scope to UNAUTHORIZED, a closed port to UNAVAILABLE; never showing the key', async () => {
    const revoked = server.addKey(['conversations:read', 'conversations:write'], true);
    const a = await failure(createAgentStateStore({ apiKey: revoked, baseUrl: server.baseUrl }).list('u'));
    expect(a).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
    expect(a.message).toContain('AGENTSTATE_API_KEY');
    expect(a.message).toMatch(/request id acs-\w+/);
    const readOnly = server.addKey(['conversations:read']);
    const b = await failure(
      createAgentStateStore({ apiKey: readOnly, baseUrl: server.baseUrl }).upsert({
        id: 'c',
        userId: 'u',
        messages: [],
      }),
    );
    expect(b).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(b.message).toContain('scope');
    const closed = await startAgentStateServer();
    await closed.close();
    const c = await failure(
      createAgentStateStore({ apiKey: revoked, baseUrl: closed.baseUrl, retries: 1, retryDelayMs: 1 }).get('u', 'c'),
    );
    expect(c).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    for (const [error, key] of [
      [a, revoked],
      [b, readOnly],
      [c, revoked],
    ] as const)
      expect(exposed(error)).not.toContain(key.slice(8));
  });
});
