import { createMemoryStore, type ConversationStore } from '@agent-conversations/core';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, runChecks, type CheckResult, type ConformanceOptions } from '../src/index.js';
import * as broken from './broken-stores.js';

async function results(options: Omit<ConformanceOptions, 'name'>): Promise<CheckResult[]> {
  // The model-based checks judge themselves in model.test.ts, against stores broken for them.
  return runChecks(
    { name: 'broken', ...options },
    ALL_CHECKS.filter((c) => c.concern !== 'model'),
  );
}
const failedIds = async (
  createStore: () => ConversationStore,
  extra: Partial<ConformanceOptions> = {},
): Promise<string[]> =>
  (await results({ createStore, ...extra })).filter((r) => r.status === 'failed').map((r) => r.id);
const only = (...ids: string[]) => ALL_CHECKS.filter((c) => ids.includes(c.id));
const byId = (all: CheckResult[], id: string): CheckResult => all.find((r) => r.id === id)!;

describe('the suite proves itself', () => {
  it('passes every check on the reference memory store, and reports each skipped one with its reason', async () => {
    const all = await results({ createStore: () => createMemoryStore() });
    expect(all.filter((r) => r.status === 'failed').map((r) => r.message)).toEqual([]);
    expect(all.length).toBeGreaterThan(ALL_CHECKS.length);
    // Without a second instance the race is skipped and close() is only half checked; without inspect every direct read is skipped.
    expect(byId(all, 'concurrency.two-instance-race')).toMatchObject({
      status: 'skipped',
      reason: 'the adapter gives no second instance (createPeerStore)',
    });
    expect(byId(all, 'surface.close').status).toBe('weakened');
    const storage = ALL_CHECKS.filter((c) => c.storage).map((c) => `${c.id}#storage`);
    expect(storage.length).toBeGreaterThan(10);
    for (const id of storage)
      expect(byId(all, id)).toMatchObject({ status: 'skipped', reason: expect.stringContaining('no inspect') });
  });

  it('gives every check a unique stable id under its concern and a one-line promise', () => {
    const ids = ALL_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of ALL_CHECKS) {
      expect(c.id).toMatch(new RegExp(`^${c.concern}\\.[a-z0-9-]+$`));
      expect(c.name).not.toContain('\n');
    }
  });

  it('fails a store that leaks across users, in the isolation checks', async () => {
    expect(await failedIds(broken.leaksAcrossUsers)).toContain('isolation.other-user');
  });

  it('fails a store that drops concurrent appends, in the concurrency checks', async () => {
    expect(await failedIds(broken.dropsConcurrentAppends)).toContain('concurrency.append-race');
  });

  it('fails a store that misorders lists, in the list checks', async () => {
    const failed = await failedIds(broken.misordersLists);
    expect(failed).toContain('list.order');
    expect(failed).toContain('list.cursor-under-writes');
  });

  it('fails a store that ignores expectedVersion, in the versioning checks', async () => {
    const failed = await failedIds(broken.ignoresExpectedVersion);
    expect(failed).toContain('versioning.stale-expected-version');
    expect(failed).toContain('concurrency.expected-version-race');
  });

  it('fails a store that resurrects deleted messages, in the delete checks', async () => {
    expect(await failedIds(broken.resurrectsDeletedMessages)).toContain('delete.recreate');
  });

  it('fails a store whose get hands out its own stored object', async () => {
    expect(await failedIds(broken.returnsStoredObjects)).toContain('copies.returned-values');
  });

  it("fails a store that keeps the caller's message objects after a write", async () => {
    expect(await failedIds(broken.keepsCallerMessages)).toContain('copies.caller-inputs');
  });

  it('fails a store that accepts an empty user id on writes', async () => {
    const all = await results({ createStore: broken.acceptsEmptyUserIds });
    expect(byId(all, 'ids.user-ids').status).toBe('failed');
    expect(byId(all, 'ids.user-ids').message).toMatch(
      /^\[ids\.user-ids\] broken promise: every method refuses a bad user id/,
    );
    expect(byId(all, 'ids.user-ids').message).toContain('upsert (new) with user id ""');
  });

  it('fails a store that looks a conversation up before validating its id', async () => {
    expect(await failedIds(broken.looksUpBeforeValidating)).toContain('ids.conversation-ids');
  });

  it('fails a store whose cursor skips conversations tied on updatedAt, and one that orders ties ascending', async () => {
    // A clock that never repeats a millisecond: only the forced ties of the tie check can catch them.
    const ticking = () => {
      let t = 1_700_000_000_000;
      return () => (t += 1);
    };
    expect(await failedIds(() => broken.cursorSkipsTies(ticking()))).toEqual(['list.updated-at-ties']);
    expect(await failedIds(() => broken.ordersTiesAscending(ticking()))).toEqual(['list.updated-at-ties']);
  });

  it('forces the ties through the clock hook when imported timestamps are not kept, and fails the tie-skipping store that way too', async () => {
    let frozen: number | null = null;
    const now = () => frozen ?? Date.now();
    const options = {
      name: 'clocked',
      capabilities: { importTimestamps: false },
      clock: { set: (ms: number | null) => void (frozen = ms) },
    };
    const [good] = await runChecks(
      { ...options, createStore: () => createMemoryStore({ now }) },
      only('list.updated-at-ties'),
    );
    expect(good).toMatchObject({ id: 'list.updated-at-ties', status: 'passed' });
    const [bad] = await runChecks(
      { ...options, createStore: () => broken.cursorSkipsTies(now) },
      only('list.updated-at-ties'),
    );
    expect(bad!.status).toBe('failed');
    const [none] = await runChecks(
      { name: 'no clock', createStore: () => createMemoryStore(), capabilities: { importTimestamps: false } },
      only('list.updated-at-ties'),
    );
    expect(none).toMatchObject({ status: 'skipped', reason: expect.stringContaining('gives no clock') });
  });

  it('fails a memory store that says it is persistent', async () => {
    expect(await failedIds(broken.misstatesPersistence)).toContain('surface.kind-persistent');
  });

  it('fails a persistent store whose second instance does not see what the first wrote', async () => {
    const local = () => ({ ...createMemoryStore(), kind: 'local' as const, persistent: true });
    const all = await runChecks(
      { name: 'forgets', createStore: local, createPeerStore: local },
      only('surface.kind-persistent', 'concurrency.two-instance-race'),
    );
    expect(all.map((r) => [r.id, r.status])).toEqual([
      ['concurrency.two-instance-race', 'failed'],
      ['surface.kind-persistent', 'failed'],
    ]);
    expect(byId(all, 'concurrency.two-instance-race').message).toContain(
      'createPeerStore must open a second instance over the same backend',
    );
  });

  it('fails a store whose close() throws the second time', async () => {
    expect(await failedIds(broken.closeOnlyOnce)).toContain('surface.close');
  });

  it('fails a store whose listUsers keeps a user whose conversations were all deleted, and skips the check without listUsers', async () => {
    expect(await failedIds(broken.listUsersNeverForgets)).toContain('surface.list-users');
    const { listUsers: _gone, ...withoutListUsers } = createMemoryStore();
    const [result] = await runChecks(
      { name: 'no listUsers', createStore: () => ({ ...withoutListUsers }) },
      only('surface.list-users'),
    );
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('no listUsers') });
  });

  it('fails a store that mangles lone surrogates even when it declares loneSurrogates: false, and reports the declaration as weakened', async () => {
    const checks = only('fidelity.lone-surrogates');
    const [mangled] = await runChecks(
      { name: 'mangles', createStore: broken.manglesLoneSurrogates, capabilities: { loneSurrogates: false } },
      checks,
    );
    expect(mangled!.status).toBe('failed');
    const refuses = () => {
      const inner = createMemoryStore();
      const refuse = (messages: unknown[]) => JSON.stringify(messages).match(/\\ud[89a-f]/i);
      return {
        ...inner,
        upsert: ((input, opts) =>
          refuse(input.messages)
            ? inner.upsert({ ...input, messages: [{ role: 'user' } as never] }, opts)
            : inner.upsert(input, opts)) as ConversationStore['upsert'],
        append: ((userId, id, messages, opts) =>
          refuse(messages)
            ? inner.append(userId, id, [], opts)
            : inner.append(userId, id, messages, opts)) as ConversationStore['append'],
      };
    };
    const [declared] = await runChecks(
      { name: 'refuses', createStore: refuses, capabilities: { loneSurrogates: false } },
      checks,
    );
    expect(declared).toMatchObject({ status: 'weakened', reason: expect.stringContaining('loneSurrogates: false') });
  });

  it('fails the append race below the concurrency floor and reports a lowered number as weakened', async () => {
    const checks = only('concurrency.append-race');
    const [below] = await runChecks(
      { name: 'low', createStore: () => createMemoryStore(), capabilities: { concurrency: 5 } },
      checks,
    );
    expect(below).toMatchObject({ status: 'failed', message: expect.stringContaining('at least 10') });
    const [lowered] = await runChecks(
      { name: 'lowered', createStore: () => createMemoryStore(), capabilities: { concurrency: 20 } },
      checks,
    );
    expect(lowered).toMatchObject({
      status: 'weakened',
      reason: 'the adapter lowers concurrency to 20 writers (default 50)',
    });
  });

  it('names the check, its promise and the values in a failure', async () => {
    const [result] = await runChecks({ name: 'misorders', createStore: broken.misordersLists }, only('list.order'));
    expect(result!.message).toMatch(
      /^\[list\.order\] broken promise: lists newest first \(updatedAt desc, then id desc\) without messages\nexpected "conv-/,
    );
  });
});
