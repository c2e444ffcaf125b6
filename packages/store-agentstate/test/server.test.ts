import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  // The documented 100 requests a minute has its own test below; here it would throttle the suite.
  server = await startAgentStateServer({ rateLimit: 1_000_000 });
});
afterAll(() => server.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
  key: string | null = server.apiKey,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; headers: Headers; text: string }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
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

  it('measured: accepts any stored key that starts with as_live_, whatever its shape', async () => {
    const dev = server.addKey(['conversations:read'], false, 'as_live_dev_key_with_underscores');
    expect((await call('GET', '/v1/conversations', undefined, dev)).status).toBe(200);
  });

  it('answers 403 FORBIDDEN for a key without the needed scope', async () => {
    const readOnly = server.addKey(['conversations:read']);
    expect((await call('GET', '/v1/conversations', undefined, readOnly)).status).toBe(200);
    const res = await call('POST', '/v1/conversations', {}, readOnly);
    expect(res.status).toBe(403);
    expect(errorCode(res.json)).toBe('FORBIDDEN');
  });

  it('echoes a valid client X-Request-Id and replaces an invalid one', async () => {
    expect(
      (await call('GET', '/v1/conversations', undefined, server.apiKey, { 'x-request-id': 'my_req-1' })).headers.get(
        'x-request-id',
      ),
    ).toBe('my_req-1');
    expect(
      (await call('GET', '/v1/conversations', undefined, server.apiKey, { 'x-request-id': 'bad id!' })).headers.get(
        'x-request-id',
      ),
    ).not.toBe('bad id!');
  });

  it('rejects what the API rejects: empty content, unknown role, array metadata, bad counters, null title', async () => {
    const bad = [
      { messages: [message('')] },
      { messages: [{ role: 'robot', content: 'x' }] },
      { messages: [message('x', { metadata: [1] })] },
      { messages: [message('x', { token_count: -1 })] },
      { messages: [message('x', { token_count: 1.5 })] },
      { metadata: [1, 2] },
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

  it('measured: drops unknown body keys silently instead of answering 400', async () => {
    const created = await call('POST', '/v1/conversations', {
      title: 'T',
      unknown: true,
      messages: [message('x', { colour: 'red' })],
    });
    expect(created.status).toBe(201);
    const conv = created.json as Record<string, unknown> & { id: string; messages: Record<string, unknown>[] };
    expect(conv).not.toHaveProperty('unknown');
    expect(conv.messages[0]).not.toHaveProperty('colour');
    expect((await call('PUT', `/v1/conversations/${conv.id}`, { title: 'U', extra: 1 })).status).toBe(200);
    expect(
      (await call('POST', `/v1/conversations/${conv.id}/messages`, { messages: [message('y')], extra: 1 })).status,
    ).toBe(201);
  });

  it('measured: at most 5 messages per request; 6 answer 500 INTERNAL_ERROR and store none', async () => {
    const conv = (await call('POST', '/v1/conversations', { title: 'five' })).json as { id: string };
    const five = await call('POST', `/v1/conversations/${conv.id}/messages`, {
      messages: Array.from({ length: 5 }, (_, i) => message(`m${i}`, { token_count: 1 })),
    });
    expect(five.status).toBe(201);
    const six = await call('POST', `/v1/conversations/${conv.id}/messages`, {
      messages: Array.from({ length: 6 }, (_, i) => message(`n${i}`, { token_count: 1 })),
    });
    expect(six.status).toBe(500);
    expect(errorCode(six.json)).toBe('INTERNAL_ERROR');
    const after = (await call('GET', `/v1/conversations/${conv.id}`)).json as {
      message_count: number;
      token_count: number;
      messages: unknown[];
    };
    expect(after).toMatchObject({ message_count: 5, token_count: 5 });
    expect(after.messages).toHaveLength(5);
    expect(
      (await call('POST', '/v1/conversations', { messages: Array.from({ length: 5 }, (_, i) => message(`c${i}`)) }))
        .status,
    ).toBe(201);
  });

  it('measured: a create with 6 messages answers 500 but leaves the conversation, its counters claiming messages never stored', async () => {
    const externalId = `half-${Date.now()}`;
    const res = await call('POST', '/v1/conversations', {
      external_id: externalId,
      title: 'half',
      messages: Array.from({ length: 6 }, (_, i) => message(`m${i}`, { token_count: 2 })),
    });
    expect(res.status).toBe(500);
    expect(errorCode(res.json)).toBe('INTERNAL_ERROR');
    const left = (await call('GET', `/v1/conversations/by-external-id/${externalId}`)).json as {
      id: string;
      title: string;
      message_count: number;
      token_count: number;
      messages: unknown[];
    };
    expect(left).toMatchObject({ title: 'half', message_count: 6, token_count: 12, messages: [] });
    expect(((await call('GET', `/v1/conversations/${left.id}/messages`)).json as { data: unknown[] }).data).toEqual([]);
    expect((await call('POST', '/v1/conversations', { external_id: externalId })).status).toBe(409);
  });

  it('measured: by-external-id sorts by created_at only, so one batch comes back in no fixed order; /messages keeps insertion order', async () => {
    const externalId = `order-${Date.now()}`;
    const conv = (await call('POST', '/v1/conversations', { external_id: externalId })).json as { id: string };
    await call('POST', `/v1/conversations/${conv.id}/messages`, {
      messages: [message('a'), message('b'), message('c'), message('d'), message('e')],
    });
    await new Promise((resolve) => setTimeout(resolve, 3));
    await call('POST', `/v1/conversations/${conv.id}/messages`, { messages: [message('z')] });
    const orders = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const got = (await call('GET', `/v1/conversations/by-external-id/${externalId}`)).json as {
        messages: { content: string }[];
      };
      const contents = got.messages.map((m) => m.content);
      expect(contents[5]).toBe('z');
      expect([...contents.slice(0, 5)].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      orders.add(contents.join(''));
    }
    expect(orders.size).toBeGreaterThan(1);
    const pages = (await call('GET', `/v1/conversations/${conv.id}/messages`)).json as { data: { content: string }[] };
    expect(pages.data.map((m) => m.content).join('')).toBe('abcdez');
  });

  it('measured: by-external-id ignores fields and has no 1000-message cap; get by id caps at 1000 and honours fields', async () => {
    const externalId = `many-${Date.now()}`;
    const conv = (await call('POST', '/v1/conversations', { external_id: externalId })).json as { id: string };
    for (let i = 0; i < 1005; i += 5)
      await call('POST', `/v1/conversations/${conv.id}/messages`, {
        messages: Array.from({ length: 5 }, (_, j) => message(`m${i + j}`)),
      });
    const byExternal = (await call('GET', `/v1/conversations/by-external-id/${externalId}?fields=!messages`)).json as {
      messages: unknown[];
    };
    expect(byExternal.messages).toHaveLength(1005);
    const byId = (await call('GET', `/v1/conversations/${conv.id}`)).json as {
      message_count: number;
      messages: { id: string }[];
    };
    expect(byId.message_count).toBe(1005);
    expect(byId.messages).toHaveLength(1000);
    expect((await call('GET', `/v1/conversations/${conv.id}?fields=!messages`)).json).not.toHaveProperty('messages');
    expect((await call('GET', `/v1/conversations/${conv.id}?fields=!nope`)).json).toEqual({
      error: { code: 'INVALID_FIELD', message: expect.any(String) },
    });
    const rest = (await call('GET', `/v1/conversations/${conv.id}/messages?limit=500&after=${byId.messages[999]!.id}`))
      .json as { data: { content: string }[]; pagination: { next_cursor: string | null } };
    expect(rest.data.map((m) => m.content)).toEqual(['m1000', 'm1001', 'm1002', 'm1003', 'm1004']);
    expect(rest.pagination.next_cursor).toBeNull();
  });

  it('measured: lenient query parameters: limits are clamped, an unknown after= starts from the first message, a bare <updated_at> cursor works', async () => {
    const conv = (await call('POST', '/v1/conversations', { messages: [message('first'), message('second')] }))
      .json as { id: string; updated_at: number };
    expect(
      ((await call('GET', '/v1/conversations?limit=101')).json as { pagination: { limit: number } }).pagination.limit,
    ).toBe(100);
    expect(
      ((await call('GET', `/v1/conversations/${conv.id}/messages?limit=501`)).json as { pagination: { limit: number } })
        .pagination.limit,
    ).toBe(500);
    const unknownAfter = (await call('GET', `/v1/conversations/${conv.id}/messages?after=nope`)).json as {
      data: { content: string }[];
    };
    expect(unknownAfter.data.map((m) => m.content)).toEqual(['first', 'second']);
    const bare = await call('GET', `/v1/conversations?cursor=${conv.updated_at + 1}&limit=100`);
    expect(bare.status).toBe(200);
    expect((bare.json as { data: { id: string }[] }).data.map((c) => c.id)).toContain(conv.id);
    expect(errorCode((await call('GET', '/v1/conversations?cursor=garbage')).json)).toBe('INVALID_CURSOR');
  });

  it('measured: PUT answers an updated_at 15-40 ms later than the one stored, which later reads and lists return', async () => {
    const tag = `put${Date.now()}`;
    const conv = (await call('POST', '/v1/conversations', { title: 'Hello', metadata: { a: 1 } })).json as {
      id: string;
    };
    await call('POST', `/v1/conversations/${conv.id}/tags`, { tags: [tag] });
    const put = (await call('PUT', `/v1/conversations/${conv.id}`, { metadata: { b: 2 } })).json as {
      title: string;
      metadata: unknown;
      updated_at: number;
    };
    expect(put).toMatchObject({ title: 'Hello', metadata: { b: 2 } });
    const stored = (await call('GET', `/v1/conversations/${conv.id}`)).json as { updated_at: number };
    const listed = ((await call('GET', `/v1/conversations?tag=${tag}`)).json as { data: { updated_at: number }[] })
      .data[0]!;
    expect(listed.updated_at).toBe(stored.updated_at);
    expect(put.updated_at - stored.updated_at).toBeGreaterThanOrEqual(15);
    expect(put.updated_at - stored.updated_at).toBeLessThanOrEqual(40);
  });

  it('adding messages sets the conversation updated_at to their created_at; total_tokens sums input and output tokens, not token_count', async () => {
    const conv = (await call('POST', '/v1/conversations', {})).json as { id: string };
    const added = (
      await call('POST', `/v1/conversations/${conv.id}/messages`, {
        messages: [message('x', { token_count: 7, input_tokens: 3, output_tokens: 4, cost_microdollars: 9 })],
      })
    ).json as { messages: { created_at: number }[] };
    const after = (await call('GET', `/v1/conversations/${conv.id}?fields=!messages`)).json as Record<string, unknown>;
    expect(after).toMatchObject({
      updated_at: added.messages[0]!.created_at,
      token_count: 7,
      total_tokens: 7,
      total_cost_microdollars: 9,
    });
  });

  it('measured: message objects carry model, parent_message_id and tracing fields, and no conversation_id', async () => {
    const conv = (await call('POST', '/v1/conversations', { messages: [message('x', { model: 'm1' })] })).json as {
      messages: Record<string, unknown>[];
    };
    const stored = conv.messages[0]!;
    expect(stored).toMatchObject({
      role: 'user',
      content: 'x',
      model: 'm1',
      parent_message_id: null,
      observation_type: null,
      start_time: null,
      end_time: null,
      status: null,
      level: null,
    });
    expect(stored).not.toHaveProperty('conversation_id');
  });

  it('creates, reads, updates partially and deletes with the documented shapes', async () => {
    const created = await call('POST', '/v1/conversations', {
      external_id: `ext-${Date.now()}`,
      title: 'Hello',
      metadata: { a: 1 },
      messages: [message('hi', { token_count: 2 })],
    });
    expect(created.status).toBe(201);
    const conv = created.json as Record<string, unknown>;
    expect(conv).toMatchObject({
      title: 'Hello',
      metadata: { a: 1 },
      message_count: 1,
      token_count: 2,
      total_tokens: 0,
      total_cost_microdollars: 0,
    });
    expect(conv.id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(Object.keys(conv).sort()).toEqual([
      'created_at',
      'external_id',
      'id',
      'message_count',
      'messages',
      'metadata',
      'project_id',
      'title',
      'token_count',
      'total_cost_microdollars',
      'total_tokens',
      'updated_at',
    ]);
    expect((await call('POST', '/v1/conversations', { external_id: conv.external_id })).status).toBe(409);
    expect((await call('DELETE', `/v1/conversations/${String(conv.id)}`)).status).toBe(204);
    expect((await call('GET', `/v1/conversations/${String(conv.id)}`)).status).toBe(404);
    expect((await call('DELETE', `/v1/conversations/${String(conv.id)}`)).status).toBe(404);
    expect((await call('GET', `/v1/conversations/by-external-id/${String(conv.external_id)}`)).status).toBe(404);
  });

  it('filters by tag, orders by updated_at and pages with "<updated_at>.<id>" cursors; measured tag error codes', async () => {
    const tag = `t${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const conv = (await call('POST', '/v1/conversations', { title: `c${i}` })).json as { id: string };
      expect((await call('POST', `/v1/conversations/${conv.id}/tags`, { tags: [tag, tag] })).json).toEqual({
        data: { tags: [tag] },
      });
      ids.push(conv.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = (await call('GET', `/v1/conversations?tag=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`))
        .json as {
        data: { id: string; updated_at: number; messages?: unknown }[];
        pagination: { limit: number; next_cursor: string | null };
      };
      expect(res.pagination.limit).toBe(2);
      expect(res).not.toHaveProperty('total');
      for (const row of res.data) expect(row).not.toHaveProperty('messages');
      seen.push(...res.data.map((r) => r.id));
      cursor = res.pagination.next_cursor;
      if (cursor) expect(cursor).toMatch(/^\d+\.[A-Za-z0-9_-]{21}$/);
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(errorCode((await call('GET', '/v1/conversations?tag=has%20space')).json)).toBe('INVALID_TAG');
    expect(errorCode((await call('GET', `/v1/conversations?tag=${'x'.repeat(51)}`)).json)).toBe('INVALID_TAG');
    expect(errorCode((await call('POST', `/v1/conversations/${ids[0]}/tags`, { tags: ['bad tag'] })).json)).toBe(
      'BAD_REQUEST',
    );
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
        last = await fetch(`${limited.baseUrl}/v1/conversations`, {
          headers: { authorization: `Bearer ${limited.apiKey}` },
        });
        statuses.push(last.status);
        expect(last.headers.get('x-ratelimit-limit')).toBe('3');
        expect(Number(last.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
        if (i < 3) expect(last.headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await last!.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
      // The budget is per key: every user of an app shares its key's budget, another key has its own.
      const other = limited.addKey(['conversations:read']);
      expect(
        (await fetch(`${limited.baseUrl}/v1/conversations`, { headers: { authorization: `Bearer ${other}` } })).status,
      ).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
