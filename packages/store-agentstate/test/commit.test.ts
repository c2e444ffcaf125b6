import type { ConversationStore, Message, StoredConversation } from '@agent-conversations/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalId } from '../src/ids.js';
import { storeFor, text, turns, uid } from './helpers.js';
import { inspector } from './inspect.js';
import { startAgentStateServer, type AgentStateTestServer, type Fault } from './server/agentstate-server.js';

let server: AgentStateTestServer;

beforeAll(async () => {
  server = await startAgentStateServer({ rateLimit: 1_000_000 });
});
afterAll(() => server.close());

/** What a user relies on, comparable across conversations: no id, owner or timestamps. */
function content(conversation: StoredConversation | null): string | null {
  if (!conversation) return null;
  const { id: _id, userId: _userId, createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = conversation;
  return JSON.stringify(rest);
}

interface Scenario {
  name: string;
  /** Requests the write makes against the test server when nothing fails. */
  requests: number;
  prepare(store: ConversationStore, u: string, c: string): Promise<unknown>;
  write(store: ConversationStore, u: string, c: string): Promise<unknown>;
}

const seven = turns(7);
const six = turns(6);
const rewrite = [six[0]!, ...turns(11)];
const added = [text('user', 'a'), text('assistant', 'b'), text('user', 'c')];

const scenarios: Scenario[] = [
  {
    name: 'a create with 7 messages (read, create, tag, 5 + 2)',
    requests: 5,
    prepare: async () => undefined,
    write: (s, u, c) => s.upsert({ id: c, userId: u, messages: seven, metadata: { k: 1 } }),
  },
  {
    name: 'a rewrite to 12 messages with new metadata (read, summary, 5 + 5 + 2)',
    requests: 5,
    prepare: (s, u, c) => s.upsert({ id: c, userId: u, messages: six, title: 'Before' }),
    write: (s, u, c) =>
      s.upsert({ id: c, userId: u, messages: rewrite, metadata: { k: 2 }, usage: { inputTokens: 9 } }),
  },
  {
    name: 'a plain append of 3 (read, post)',
    requests: 2,
    prepare: (s, u, c) => s.upsert({ id: c, userId: u, messages: six }),
    write: (s, u, c) => s.append(u, c, added),
  },
  {
    name: 'an append with usage (read, summary, post)',
    requests: 3,
    prepare: (s, u, c) => s.upsert({ id: c, userId: u, messages: six, usage: { inputTokens: 1 } }),
    write: (s, u, c) => s.append(u, c, added, { usage: { inputTokens: 2, costUsd: 0.5 } }),
  },
  {
    name: 'a rename (read, summary, post)',
    requests: 3,
    prepare: (s, u, c) => s.upsert({ id: c, userId: u, messages: six }),
    write: (s, u, c) => s.update(u, c, { title: 'After', model: 'm2' }),
  },
];

/** The state the write leads to, from a run without faults on a conversation prepared the same way. */
async function reference(scenario: Scenario): Promise<string | null> {
  const store = storeFor(server);
  const [u, c] = [uid('u'), uid('c')];
  await scenario.prepare(store, u, c);
  const from = server.requests.length;
  await scenario.write(store, u, c);
  expect(server.requests.length - from, `${scenario.name}: requests`).toBe(scenario.requests);
  return content(await store.get(u, c));
}

function expectUnique(messages: readonly Message[]): void {
  expect(new Set(messages.map((m) => m.id)).size, 'a message is stored twice').toBe(messages.length);
}

describe('a write of several requests looks atomic', () => {
  for (const scenario of scenarios) {
    for (const kind of ['status', 'drop-after-commit'] as const) {
      it(`${scenario.name}: failing at each request k of n (${kind === 'status' ? 'HTTP 500 before the server acts' : 'response lost after the server acted'}), get shows before or after, a retry completes it once`, async () => {
        const after = await reference(scenario);
        for (let k = 1; k <= scenario.requests; k++) {
          const store = storeFor(server, { retries: 0 });
          const [u, c] = [uid('u'), uid('c')];
          await scenario.prepare(store, u, c);
          const prepared = await store.get(u, c);
          const before = content(prepared);
          server.inject({ kind, status: 500, skip: k - 1 } satisfies Fault);
          await expect(scenario.write(store, u, c), `k=${k}`).rejects.toMatchObject({
            name: 'ConversationStoreError',
            retryable: true,
          });
          expect(server.pendingFaults(), `k=${k}: the fault was used`).toBe(0);
          const mid = await store.get(u, c);
          expect([before, after], `k=${k}: get shows a mix`).toContain(content(mid));
          // Before means before: a failed write leaves updatedAt where it was, though its summary moved the row's updated_at.
          if (prepared && content(mid) === before)
            expect(mid?.updatedAt, `k=${k}: updatedAt moved by a write that failed`).toBe(prepared.updatedAt);
          const listed = (await store.list(u)).items.find((m) => m.id === c);
          if (mid) {
            const { messages: _messages, ...meta } = mid;
            expect(listed, `k=${k}: list agrees with get`).toEqual(meta);
          } else expect(listed, `k=${k}: list shows an uncommitted create`).toBeUndefined();
          // The caller retries the same call: it completes, and no message is there twice.
          await scenario.write(storeFor(server), u, c);
          const done = (await store.get(u, c))!;
          expectUnique(done.messages);
          const expected = {
            ...(JSON.parse(after!) as StoredConversation),
            id: '',
            userId: '',
            createdAt: 0,
            updatedAt: 0,
          };
          expect(done.messages, `k=${k}: messages after the retry`).toEqual(expected.messages);
          expect({ ...done, messages: [], id: '', userId: '', createdAt: 0, updatedAt: 0, version: 0 }).toEqual({
            ...expected,
            messages: [],
            version: 0,
          });
          // A retry of a write that had landed is a second write (an identical upsert still counts), never a duplicate.
          expect([expected.version, expected.version + 1]).toContain(done.version);
          expectUnique(await inspector(() => server).messages(u, c));
        }
      });
    }

    it(`${scenario.name}: a response lost at any request is resolved by reading, and the write lands exactly once`, async () => {
      const after = await reference(scenario);
      for (let k = 1; k <= scenario.requests; k++) {
        const store = storeFor(server);
        const [u, c] = [uid('u'), uid('c')];
        await scenario.prepare(store, u, c);
        server.inject({ kind: 'drop-after-commit', skip: k - 1 });
        await scenario.write(store, u, c);
        expect(server.pendingFaults()).toBe(0);
        expect(content(await store.get(u, c)), `k=${k}`).toBe(after);
      }
    });
  }
});

describe('readers during a write', () => {
  it('a reader polling get and list while a write of 3 requests of entries is in flight sees before or after, never a mix', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    const first = turns(6);
    await store.upsert({ id: c, userId: u, messages: first, title: 'Before' });
    const before = content(await store.get(u, c));
    const next = [first[0]!, ...turns(13)];
    // Each request of entries is answered 150 ms after the server stored it, so the write stays half-done a while.
    server.inject({ kind: 'delay-after-commit', delayMs: 150, method: 'POST', path: /\/messages$/, times: 3 });
    let done = false;
    const writing = store.upsert({ id: c, userId: u, messages: next, title: 'After' }).finally(() => (done = true));
    const seen = new Set<string | null>();
    while (!done) {
      const got = await store.get(u, c);
      seen.add(content(got));
      // list is read after get, so it may already show the write.
      expect([1, 2]).toContain((await store.list(u)).items[0]!.version);
    }
    await writing;
    const after = content(await store.get(u, c));
    expect(
      [...seen].every((s) => s === before || s === after),
      'a reader saw a mix',
    ).toBe(true);
    expect(seen.has(before)).toBe(true);
  });
});

describe("the server's non-atomic create", () => {
  it('a conversation left half-created (row and counters, no messages) reads as missing and takes writes', async () => {
    const store = storeFor(server);
    const [u, c] = [uid('u'), uid('c')];
    // What a client that created with 6+ messages left behind: the row, counters claiming messages never stored.
    const body = {
      external_id: await externalId(u, c),
      title: 'half',
      metadata: { acs: { v: 1, u, c, t: 0, b: 1, n: 6, w: 'old', s: { count: 6 } } },
      messages: turns(6).map((m) => ({ role: 'user', content: m.id })),
    };
    const res = await fetch(`${server.baseUrl}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(500);
    expect(await store.get(u, c)).toBeNull();
    expect((await store.list(u)).items).toEqual([]);
    await expect(store.append(u, c, [text('user', 'x')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const messages = turns(8);
    expect(await store.upsert({ id: c, userId: u, messages })).toMatchObject({
      version: 1,
      messageCount: 8,
      title: 'message 0',
    });
    expect((await store.get(u, c))?.messages).toEqual(messages);
    expect(await store.append(u, c, [text('user', 'more')])).toMatchObject({ version: 2, messageCount: 9 });
    expect((await store.list(u)).items).toMatchObject([{ id: c, version: 2, messageCount: 9 }]);
    expect(await store.delete(u, c)).toBe(true);
  });

  it('a create never sends messages with the conversation, so a failed message request cannot leave counters claiming them', async () => {
    const store = storeFor(server, { retries: 0 });
    const [u, c] = [uid('u'), uid('c')];
    server.inject({ kind: 'status', status: 500, method: 'POST', path: /\/messages$/ });
    await expect(store.upsert({ id: c, userId: u, messages: turns(3) })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const row = server.state.findExternal(server.project, await externalId(u, c))!;
    expect(row).toMatchObject({ message_count: 0, messages: [] });
    expect(await store.get(u, c)).toBeNull();
  });
});
