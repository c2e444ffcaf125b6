import { runConformanceSuite } from '@agent-conversations/conformance';
import { describe, expect, it } from 'vitest';
import { createAgentStateStore } from '../src/index.js';
import { expectWritesReadBack, turns, uid } from './helpers.js';

// Live mode: the same conformance suite and the fault-free store checks against a real AgentState deployment.
const base = process.env.AGENTSTATE_TEST_API_BASE;
const key = process.env.AGENTSTATE_TEST_API_KEY;
const reason = 'set AGENTSTATE_TEST_API_BASE and AGENTSTATE_TEST_API_KEY to run against a real AgentState deployment';

if (!base || !key) {
  console.log(`[store-agentstate] live AgentState tests skipped: ${reason}`);
  describe('live AgentState', () => {
    it.skip(`conformance and store checks [skipped: ${reason}]`, () => undefined);
  });
} else {
  // 100 requests a minute per key: the store waits out each 429's Retry-After, so tests get long timeouts.
  const open = () => createAgentStateStore({ apiKey: key, baseUrl: base, maxRetryAfterMs: 65_000, timeoutMs: 30_000 });
  runConformanceSuite({
    name: 'agentstate (live)',
    createStore: open,
    createPeerStore: open,
    timeoutMs: 600_000,
    capabilities: { importTimestamps: false, atomicExpectedVersion: false, concurrency: 10 },
  });

  describe('live AgentState: store checks without faults', () => {
    it(
      'writes of 6, 12 and 23 messages (more than one request each) read back whole and in order',
      { timeout: 600_000 },
      async () => {
        const store = open();
        const u = uid('live-u');
        for (const size of [6, 12, 23]) {
          const c = uid('c');
          const messages = turns(size);
          expect(await store.upsert({ id: c, userId: u, messages })).toMatchObject({ version: 1, messageCount: size });
          expect((await store.get(u, c))?.messages).toEqual(messages);
        }
        expect(await store.deleteAll(u)).toBe(3);
      },
    );

    it(
      'windows read after the anchor agree with get (the messages endpoint pages a batch in insertion order)',
      { timeout: 600_000 },
      async () => {
        const store = open();
        const [u, c] = [uid('live-u'), uid('c')];
        await store.upsert({ id: c, userId: u, messages: turns(140) });
        await store.append(u, c, turns(3), { usage: { inputTokens: 1 } });
        await store.append(u, c, turns(2));
        const { messages, ...meta } = (await store.get(u, c))!;
        const newest = await store.window!(u, c, { limit: 20 });
        expect(newest).toEqual({ meta, messages: messages.slice(-20), nextCursor: 'w1.125' });
        const older = await store.window!(u, c, { limit: 20, before: newest!.nextCursor! });
        expect(older?.messages).toEqual(messages.slice(105, 125));
        expect(await store.delete(u, c)).toBe(true);
      },
    );

    it('what a write returns equals what get and list return afterwards', { timeout: 600_000 }, async () => {
      const store = open();
      const [u, c] = [uid('live-u'), uid('c')];
      await expectWritesReadBack(store, u, c);
      expect(await store.delete(u, c)).toBe(true);
    });
  });
}
