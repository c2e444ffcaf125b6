import { ConversationStoreError, type Message } from '@agent-conversations/core';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createDurableObjectStore, type DurableObjectNamespaceLike } from '../src/index.js';
import { doQuery, userObject } from './helpers.js';

const user = (): string => `user-${crypto.randomUUID()}`;
const message = (id: string, body: string): Message => ({ id, role: 'user', parts: [{ type: 'text', text: body }] });
const store = createDurableObjectStore({ namespace: env.AGENT_CONVERSATIONS_DO });

/** The real namespace, recording which object ids the adapter addresses. */
function recordingNamespace(): { namespace: DurableObjectNamespaceLike; addressed: string[] } {
  const real = env.AGENT_CONVERSATIONS_DO;
  const addressed: string[] = [];
  const namespace = {
    idFromName: (name: string) => real.idFromName(name),
    get: (id: DurableObjectId) => {
      addressed.push(id.toString());
      return real.get(id);
    },
  };
  return { namespace, addressed };
}

describe('Durable Object schema', () => {
  it('is created and versioned inside the object on its first use', async () => {
    const u = user();
    await store.upsert({ id: 'c', userId: u, messages: [message('m1', 'hi')] });
    const steps = await doQuery<{ name: string }>(u, 'SELECT name FROM agent_conversations_migrations');
    expect(steps.map((s) => s.name)).toEqual(['0001_init.sql', '0002_prefix_digest.sql']);
    expect(await doQuery(u, 'SELECT id, message_count FROM agent_conversations')).toEqual([
      { id: 'c', message_count: 1 },
    ]);
  });
});

describe('Durable Object per-user isolation', () => {
  it("user B's calls only ever address B's object, and A's object is unchanged", async () => {
    const [a, b] = [user(), user()];
    await store.upsert({
      id: 'shared-id',
      userId: a,
      messages: [message('m1', 'private to A')],
      metadata: { owner: 'a' },
    });
    const readA = (): Promise<unknown[][]> =>
      Promise.all([
        doQuery(a, 'SELECT * FROM agent_conversations'),
        doQuery(a, 'SELECT * FROM agent_conversation_messages'),
      ]);
    const before = await readA();

    const { namespace, addressed } = recordingNamespace();
    const asB = createDurableObjectStore({ namespace });
    expect(await asB.get(b, 'shared-id')).toBeNull();
    expect(await asB.list(b)).toEqual({ items: [], nextCursor: null });
    await expect(asB.append(b, 'shared-id', [message('x', 'intrusion')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(asB.update(b, 'shared-id', { title: 'hijacked' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await asB.delete(b, 'shared-id')).toBe(false);
    expect(await asB.deleteAll(b)).toBe(0);
    await asB.upsert({ id: 'shared-id', userId: b, messages: [message('m1', 'B owns this one')] });

    const idOfB = env.AGENT_CONVERSATIONS_DO.idFromName(b).toString();
    expect(addressed).toHaveLength(8); // the upsert asks for the one-batch extension first, then sends the whole new conversation
    expect(new Set(addressed)).toEqual(new Set([idOfB]));
    expect(addressed).not.toContain(env.AGENT_CONVERSATIONS_DO.idFromName(a).toString());
    expect(await readA()).toEqual(before);
  });

  it("an object refuses calls that name another user (a wrongly addressed stub cannot read A's data)", async () => {
    const [a, b] = [user(), user()];
    await store.upsert({ id: 'c', userId: a, messages: [message('m1', 'A')] });
    const reply = await userObject(a).listConversations(b);
    expect(reply).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: expect.stringContaining('idFromName'), retryable: false },
    });
  });
});

describe('Durable Object errors', () => {
  it('errors thrown in the object reach the caller as ConversationStoreError with code and adapter', async () => {
    const u = user();
    const missing = await store.append(u, 'nope', [message('m', 'x')]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConversationStoreError);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', adapter: 'durable-object', retryable: false });
    await store.upsert({ id: 'c', userId: u, messages: [] });
    const conflict = await store.update(u, 'c', { title: 't' }, { expectedVersion: 7 }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConversationStoreError);
    expect(conflict).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('version 1') });
  });

  it('the object validates what it is sent directly, too', async () => {
    const u = user();
    expect(await userObject(u).upsertConversation('{not json')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await userObject(u).appendMessages(u, 'c', '[{"id":""}]')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('a namespace bound to another class fails as a ConversationStoreError, not a raw RPC error', async () => {
    const wrong = createDurableObjectStore({ namespace: env.UNRELATED_DO });
    const error = await wrong.list(user()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConversationStoreError);
    expect(error).toMatchObject({ adapter: 'durable-object', message: expect.stringContaining('listConversations') });
  });

  it('bad input fails with VALIDATION before any object is addressed', async () => {
    const { namespace, addressed } = recordingNamespace();
    const recorded = createDurableObjectStore({ namespace });
    await expect(recorded.upsert({ id: 'bad id!', userId: user(), messages: [] })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(recorded.append(user(), 'c', [])).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(recorded.list(user(), { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(addressed).toEqual([]);
  });
});
