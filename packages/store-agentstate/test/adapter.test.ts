import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createStoreResolver,
  explainStoreResolution,
  getRegisteredAdapters,
  unregisterStoreAdapter,
} from '@agent-conversations/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentStateAdapter, createAgentStateStore } from '../src/index.js';
import { text, uid } from './helpers.js';
import { startAgentStateServer, type AgentStateTestServer } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  server = await startAgentStateServer();
});
afterAll(() => server.close());

const config = (message: string) => ({
  name: 'ConversationStoreError',
  code: 'CONFIG',
  message: expect.stringContaining(message),
});

describe('factory, adapter and register entry', () => {
  it('refuses keys without the as_live_ prefix and bad base URLs with CONFIG errors that do not echo the key', () => {
    expect(() => createAgentStateStore({ apiKey: 'as_test_abc123' })).toThrow(
      expect.objectContaining(config('AGENTSTATE_API_KEY must start with "as_live_"')),
    );
    expect(() => createAgentStateStore({ apiKey: 'as_live_' })).toThrow(
      expect.objectContaining(config('the rest of the key')),
    );
    expect(() => createAgentStateStore({ apiKey: 'as_live_abc 123' })).toThrow(
      expect.objectContaining(config('without spaces or control characters')),
    );
    expect(() => createAgentStateStore({ apiKey: 'as_live_abc\n' })).toThrow(
      expect.objectContaining(config('without spaces or control characters')),
    );
    // Development keys have other shapes (underscores, dashes): only the prefix and a clean rest are required.
    expect(createAgentStateStore({ apiKey: 'as_live_dev_key-1' }).kind).toBe('agentstate');
    expect(() =>
      createAgentStateStore({ apiKey: 'as_live_abc', baseUrl: 'http://agentstate.example.com/api' }),
    ).toThrow(expect.objectContaining(config('https://')));
    expect(() =>
      createAgentStateStore({ apiKey: 'as_live_abc', baseUrl: 'https://user:pw@agentstate.app/api' }),
    ).toThrow(expect.objectContaining(config('credentials')));
    expect(() => createAgentStateStore({ apiKey: 'as_live_abc', timeoutMs: 0 })).toThrow(
      expect.objectContaining(config('timeoutMs')),
    );
    let message = '';
    try {
      createAgentStateStore({ apiKey: 'as_live_secretsecret x' });
    } catch (error) {
      message = (error as Error).message + String((error as Error).stack);
    }
    expect(message).not.toContain('secretsecret');
  });

  it('does no I/O until the first call', () => {
    const calls: string[] = [];
    const store = createAgentStateStore({
      apiKey: 'as_live_abc',
      fetch: async (url) => (calls.push(url), new Response('{}')),
    });
    expect(store).toMatchObject({ kind: 'agentstate', persistent: true });
    expect(calls).toEqual([]);
  });

  it('refuses bad input with VALIDATION before sending any request', async () => {
    const calls: string[] = [];
    const store = createAgentStateStore({
      apiKey: 'as_live_abc',
      fetch: async (url) => (calls.push(url), new Response('{}')),
    });
    const m = text('user', 'hi');
    const bad: (() => Promise<unknown>)[] = [
      () => store.get('', 'c'),
      () => store.get('u', ''),
      () => store.list('u', { limit: 0 }),
      () => store.list('u', { cursor: 'not a cursor' }),
      () => store.upsert({ id: 'c', userId: 'u', messages: [m, m] }),
      () => store.upsert({ id: 'c', userId: 'u', messages: [{ id: '', role: 'user' }] }),
      () => store.upsert({ id: 'c', userId: 'u', messages: [], usage: { inputTokens: -1 } }),
      () => store.upsert({ id: 'c', userId: 'u', messages: [] }, { expectedVersion: -1 }),
      () => store.append('u', 'c', []),
      () => store.append('u', 'c', [m], { usage: { costUsd: Number.NaN } }),
      () => store.update('u', 'c', { metadata: [] as unknown as Record<string, unknown> }),
      () => store.delete('', 'c'),
      () => store.deleteAll(''),
    ];
    for (const call of bad)
      await expect(call()).rejects.toMatchObject({ name: 'ConversationStoreError', code: 'VALIDATION' });
    expect(calls).toEqual([]);
  });

  it('sends every request through the given fetch with the bearer key under {base}/v1', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const store = createAgentStateStore({
      apiKey: server.apiKey,
      baseUrl: `${server.baseUrl}/`,
      fetch: (url, init) => {
        seen.push({ url, auth: new Headers(init.headers).get('authorization') });
        return fetch(url, init);
      },
    });
    await store.list(uid('u'));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url.startsWith(`${server.baseUrl}/v1/conversations?`)).toBe(true);
    expect(seen[0]!.auth).toBe(`Bearer ${server.apiKey}`);
  });

  it('is chosen first by auto when AGENTSTATE_API_KEY is set and works end to end', async () => {
    const env = {
      AGENT_CONVERSATION_PERSISTENCE: 'true',
      AGENTSTATE_API_KEY: server.apiKey,
      AGENTSTATE_API_BASE: server.baseUrl,
      DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db',
    };
    const explanation = explainStoreResolution({ env, adapters: [agentStateAdapter] });
    expect(explanation.decision).toBe('agentstate');
    expect(JSON.stringify(explanation)).not.toContain(server.apiKey);
    const store = await createStoreResolver([agentStateAdapter]).resolve({ env });
    const [u, c] = [uid('u'), uid('c')];
    await store.upsert({ id: c, userId: u, messages: [text('user', 'via the resolver')] });
    expect((await store.get(u, c))?.title).toBe('via the resolver');
  });

  it('the ./register entry registers the adapter', async () => {
    unregisterStoreAdapter('agentstate');
    await import('../src/register.js');
    expect(getRegisteredAdapters().map((a) => a.kind)).toContain('agentstate');
    expect(
      agentStateAdapter.isConfigured?.({ agentstate: { baseUrl: 'https://agentstate.app/api' } } as never, {} as never),
    ).toBe('AGENTSTATE_API_KEY is not set');
  });

  it('the library imports nothing from Node (it runs in Workers and browsers)', () => {
    const dir = join(import.meta.dirname, '../src');
    for (const file of readdirSync(dir)) {
      const source = readFileSync(join(dir, file), 'utf8');
      expect(source, file).not.toMatch(
        /from ['"](node:|fs|path|http|https|crypto|buffer|net)['"/]|require\(|process\./,
      );
    }
  });
});
