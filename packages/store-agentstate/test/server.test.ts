import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  server = await startAgentStateServer();
});
afterAll(() => server.close());

async function call(method: string, path: string, body?: unknown, key: string | null = server.apiKey, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; headers: Headers; text: string }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, headers: res.headers, text };
}

const errorCode = (json: unknown): unknown => (json as { error?: { code?: unknown } }).error?.code;
const message = (content: string, extra: Record<string, unknown> = {}) => ({ role: 'user', content, ...extra });

describe('the AgentState test server follows the documented API', () => {
  it('answers 401 UNAUTHORIZED without rate-limit headers for missing, malformed, unknown and revoked keys', async () => {
    const revoked = server.addKey(['conversations:read'], true);
    for (const key of [null, 'as_live_short', `as_test_${'a'.repeat(40)}`, `as_live_${'Z'.repeat(40)}`, revoked]) {
      const res = await call('GET', '/v1/conversations', undefined, key);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Unauthorized' } });
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
      expect(res.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
  });

  it('answers 403 FORBIDDEN for a key without the needed scope', async () => {
    const readOnly = server.addKey(['conversations:read']);
    expect((await call('GET', '/v1/conversations', undefined, readOnly)).status).toBe(200);
    const res = await call('POST', '/v1/conversations', {}, readOnly);
    expect(res.status).toBe(403);
    expect(errorCode(res.json)).toBe('FORBIDDEN');
  });

  it('echoes a valid client X-Request-Id and replaces an invalid one', async () => {
    expect((await call('GET', '/v1/conversations', undefined, server.apiKey, { 'x-request-id': 'my_req-1' })).headers.get('x-request-id')).toBe('my_req-1');
    expect((await call('GET', '/v1/conversations', undefined, server.apiKey, { 'x-request-id': 'bad id!' })).headers.get('x-request-id')).not.toBe('bad id!');
  });

  it('rejects what the API rejects: empty content, unknown role, extra fields, array metadata, null title', async () => {
    const bad = [
      { messages: [message('')] },
      { messages: [{ role: 'robot', content: 'x' }] },
      { messages: [message('x', { input_tokens: 3 })] },
      { messages: [message('x', { metadata: [1] })] },
      { messages: [message('x', { token_count: -1 })] },
      { messages: [message('x', { token_count: 1.5 })] },
      { metadata: [1, 2] },
      { unknown: true },
    ];
    for (const body of bad) {
      const res = await call('POST', '/v1/conversations', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    }
    expect((await call('POST', '/v1/conversations', { messages: [message('   ')] })).status).toBe(201);
    const created = (await call('POST', '/v1/conversations', { title: 'T' })).json as { id: string };
    expect((await call('PUT', `/v1/conversations/${created.id}`, { title: null })).status).toBe(400);
    expect((await call('POST', `/v1/conversations/${created.id}/messages`, { messages: [] })).status).toBe(400);
    expect((await call('POST', `/v1/conversations/${created.id}/messages`, 'not json')).status).toBe(400);
  });

  it('creates, reads, updates partially and deletes with the documented shapes', async () => {
    const created = await call('POST', '/v1/conversations', { external_id: `ext-${Date.now()}`, title: 'Hello', metadata: { a: 1 }, messages: [message('hi', { token_count: 2 })] });
    expect(created.status).toBe(201);
    const conv = created.json as Record<string, unknown>;
    expect(conv).toMatchObject({ title: 'Hello', metadata: { a: 1 }, message_count: 1, token_count: 2, total_tokens: 0, total_cost_microdollars: 0 });
    expect(conv.id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(Object.keys(conv).sort()).toEqual(['created_at', 'external_id', 'id', 'message_count', 'messages', 'metadata', 'project_id', 'title', 'token_count', 'total_cost_microdollars', 'total_tokens', 'updated_at']);
    expect((await call('POST', '/v1/conversations', { external_id: conv.external_id })).status).toBe(409);
    const byExternal = await call('GET', `/v1/conversations/by-external-id/${String(conv.external_id)}?fields=!messages`);
    expect(byExternal.json).not.toHaveProperty('messages');
    expect((await call('GET', `/v1/conversations/${String(conv.id)}?fields=!nope`)).json).toEqual({ error: { code: 'INVALID_FIELD', message: expect.any(String) } });
    const put = await call('PUT', `/v1/conversations/${String(conv.id)}`, { metadata: { b: 2 } });
    expect(put.json).toMatchObject({ title: 'Hello', metadata: { b: 2 } });
    expect((await call('DELETE', `/v1/conversations/${String(conv.id)}`)).status).toBe(204);
    expect((await call('GET', `/v1/conversations/${String(conv.id)}`)).status).toBe(404);
    expect((await call('DELETE', `/v1/conversations/${String(conv.id)}`)).status).toBe(404);
    expect((await call('GET', `/v1/conversations/by-external-id/${String(conv.external_id)}`)).status).toBe(404);
  });

  it('returns at most 1000 messages inline and pages the rest with after=', async () => {
    const messages = Array.from({ length: 1203 }, (_, i) => message(`m${i}`));
    const conv = (await call('POST', '/v1/conversations', { messages })).json as { id: string; message_count: number; messages: { id: string; content: string }[] };
    expect(conv.message_count).toBe(1203);
    expect(conv.messages).toHaveLength(1000);
    const page = (await call('GET', `/v1/conversations/${conv.id}/messages?limit=500&after=${conv.messages[999]!.id}`)).json as { data: { content: string }[]; pagination: { next_cursor: string | null } };
    expect(page.data.map((m) => m.content)).toEqual(messages.slice(1000).map((m) => m.content));
    expect(page.pagination.next_cursor).toBeNull();
    expect((await call('GET', `/v1/conversations/${conv.id}/messages?limit=501`)).status).toBe(400);
    expect(errorCode((await call('GET', `/v1/conversations/${conv.id}/messages?after=nope`)).json)).toBe('INVALID_CURSOR');
  });

  it('filters by tag, orders by updated_at and pages with "<updated_at>.<id>" cursors', async () => {
    const tag = `t${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const conv = (await call('POST', '/v1/conversations', { title: `c${i}` })).json as { id: string };
      expect((await call('POST', `/v1/conversations/${conv.id}/tags`, { tags: [tag, tag] })).json).toEqual({ data: { tags: [tag] } });
      ids.push(conv.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = (await call('GET', `/v1/conversations?tag=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json as { data: { id: string; updated_at: number; messages?: unknown }[]; pagination: { limit: number; next_cursor: string | null } };
      expect(res.pagination.limit).toBe(2);
      expect(res).not.toHaveProperty('total');
      for (const row of res.data) expect(row).not.toHaveProperty('messages');
      seen.push(...res.data.map((r) => r.id));
      cursor = res.pagination.next_cursor;
      if (cursor) expect(cursor).toMatch(/^\d+\.[A-Za-z0-9_-]{21}$/);
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(errorCode((await call('GET', '/v1/conversations?cursor=garbage')).json)).toBe('INVALID_CURSOR');
    expect(errorCode((await call('GET', '/v1/conversations?tag=has%20space')).json)).toBe('INVALID_TAG');
    expect(errorCode((await call('GET', `/v1/conversations?tag=${'x'.repeat(51)}`)).json)).toBe('INVALID_TAG');
    expect((await call('GET', '/v1/conversations?limit=101')).status).toBe(400);
    expect(errorCode((await call('POST', `/v1/conversations/${ids[0]}/tags`, { tags: ['bad tag'] })).json)).toBe('INVALID_TAG');
    expect((await call('DELETE', `/v1/conversations/${ids[0]}/tags/${tag}`)).status).toBe(204);
    expect((await call('GET', `/v1/conversations/${ids[0]}/tags`)).json).toEqual({ data: { tags: [] } });
  });

  it('answers unknown routes with a plain-text 404', async () => {
    const res = await call('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.text).toBe('Not Found');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('limits requests per key per window with X-RateLimit-* headers and Retry-After on 429', async () => {
    const limited = await startAgentStateServer({ rateLimit: 3 });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await fetch(`${limited.baseUrl}/v1/conversations`, { headers: { authorization: `Bearer ${limited.apiKey}` } });
        statuses.push(last.status);
        expect(last.headers.get('x-ratelimit-limit')).toBe('3');
        expect(Number(last.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
        if (i < 3) expect(last.headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await last!.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    } finally {
      await limited.close();
    }
  });
});
