import type { ConversationStoreError } from '@agent-conversations/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserStore } from '../../src/index.js';
import { fillToEdge, unfill } from './fill.js';
import { rawDump, text } from './raw.js';

const namespace = 'quota';
const now = (): number => 1_700_000_000_000;

async function failure(promise: Promise<unknown>): Promise<ConversationStoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as ConversationStoreError,
  );
  expect(error, 'the write should have failed').not.toBeNull();
  return error!;
}

describe('a full localStorage quota', () => {
  afterEach(() => localStorage.clear());

  it('fails an append with a STORAGE error saying how much was needed, and keeps the stored data', async () => {
    localStorage.clear();
    const store = createBrowserStore({ namespace, now });
    await store.upsert({ id: 'c1', userId: 'u', messages: [text('m1', 'hello')] });
    const before = rawDump(namespace);
    const fillers = fillToEdge();

    const error = await failure(store.append('u', 'c1', [text('m2', 'x'.repeat(5000))]));
    expect(error.name).toBe('ConversationStoreError');
    expect(error.code).toBe('STORAGE');
    expect(error.retryable).toBe(false);
    const needed = Number(/needs (\d+) more characters/.exec(error.message)?.[1]);
    expect(needed).toBeGreaterThan(5000);
    expect(error.message).toContain('conversation "c1"');
    expect(error.message).toContain('nothing was changed');
    expect(rawDump(namespace)).toEqual(before);
    const got = await store.get('u', 'c1');
    expect(got?.messages).toEqual([text('m1', 'hello')]);
    expect(got?.version).toBe(1);

    unfill(fillers);
    const meta = await store.append('u', 'c1', [text('m2', 'x'.repeat(5000))]);
    expect(meta.messageCount).toBe(2);
  });

  it('fails a create cleanly: no entry is left behind', async () => {
    localStorage.clear();
    const store = createBrowserStore({ namespace, now });
    await store.upsert({ id: 'c1', userId: 'u', messages: [text('m1', 'hello')] });
    const before = rawDump(namespace);
    const fillers = fillToEdge();
    const error = await failure(store.upsert({ id: 'c2', userId: 'u', messages: [text('m1', 'y'.repeat(2000))] }));
    expect(error.code).toBe('STORAGE');
    expect(rawDump(namespace)).toEqual(before);
    expect((await store.list('u')).items.map((m) => m.id)).toEqual(['c1']);
    unfill(fillers);
  });
});
