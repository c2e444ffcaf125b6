import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import worker, { type Env } from '../examples/worker/src/index.js';

const call = async (bindings: Env, path: string, init: RequestInit = {}): Promise<Response> =>
  worker.fetch(
    new Request(`https://example.test${path}`, init) as Request<unknown, IncomingRequestCfProperties>,
    bindings,
  );

const chat = (userId: string, method: string, body?: unknown): RequestInit => ({
  method,
  headers: { 'x-user-id': userId, 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});

beforeAll(() => applyD1Migrations(env.CONVERSATIONS_D1, env.TEST_MIGRATIONS));

describe('the example Worker', () => {
  for (const [name, bindings] of [
    [
      'd1',
      {
        AGENT_CONVERSATION_PERSISTENCE: 'true',
        CONVERSATIONS_D1: env.CONVERSATIONS_D1,
        AGENT_CONVERSATIONS_DO: env.AGENT_CONVERSATIONS_DO,
      },
    ],
    ['durable-object', { AGENT_CONVERSATION_PERSISTENCE: 'true', AGENT_CONVERSATIONS_DO: env.AGENT_CONVERSATIONS_DO }],
  ] as const) {
    it(`saves, appends to and lists a chat on ${name}`, async () => {
      expect(await (await call(bindings, '/store')).text()).toContain(`conversation store: ${name}`);
      const u = `user-${crypto.randomUUID()}`;
      const put = await call(
        bindings,
        '/conversations/chat-1',
        chat(u, 'PUT', { messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Plan a trip' }] }] }),
      );
      expect(put.status).toBe(200);
      const post = await call(
        bindings,
        '/conversations/chat-1/messages',
        chat(u, 'POST', { messages: [{ id: 'm2', role: 'assistant', parts: [] }], usage: { inputTokens: 12 } }),
      );
      expect(await post.json()).toMatchObject({ messageCount: 2, version: 2, usage: { inputTokens: 12 } });
      const list = await (await call(bindings, '/conversations', chat(u, 'GET'))).json();
      expect(list).toMatchObject({ items: [{ id: 'chat-1', title: 'Plan a trip' }], nextCursor: null });
      const duplicate = await call(
        bindings,
        '/conversations/chat-1/messages',
        chat(u, 'POST', { messages: [{ id: 'm2', role: 'user' }] }),
      );
      expect(duplicate.status).toBe(409);
    });
  }

  it('answers 500 with the fail-closed CONFIG error when no backend is bound', async () => {
    const response = await call({ AGENT_CONVERSATION_PERSISTENCE: 'true' }, '/conversations', chat('someone', 'GET'));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'CONFIG' });
  });
});
