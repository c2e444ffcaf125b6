import { createMemoryStore, type ConversationStore } from '@agent-conversations/core';
import { describe, expect, it } from 'vitest';
import { runChecks, type CheckResult } from '../src/index.js';
import { dropsConcurrentAppends, ignoresExpectedVersion, leaksAcrossUsers, misordersLists, resurrectsDeletedMessages } from './broken-stores.js';

async function failures(createStore: () => ConversationStore): Promise<CheckResult[]> {
  const results = await runChecks({ name: 'broken', createStore });
  return results.filter((r) => r.status === 'failed');
}

const names = (results: CheckResult[]): string[] => results.map((r) => `${r.concern}: ${r.name}`);

describe('the suite proves itself', () => {
  it('passes every check on the reference memory store', async () => {
    const results = await runChecks({ name: 'memory', createStore: () => createMemoryStore() });
    expect(names(results.filter((r) => r.status === 'failed'))).toEqual([]);
    // Only the two-instance race is skipped: the memory store has no second instance over one backend.
    expect(results.filter((r) => r.status === 'skipped').map((r) => r.reason)).toEqual(['the adapter gives no second instance (createPeerStore)']);
    expect(results.length).toBeGreaterThan(40);
  });

  it('fails a store that leaks across users, in the isolation checks', async () => {
    const failed = await failures(leaksAcrossUsers);
    expect(names(failed)).toContain("isolation: user B with user A's conversation id sees nothing and changes nothing, on every method");
  });

  it('fails a store that drops concurrent appends, in the concurrency checks', async () => {
    const failed = await failures(dropsConcurrentAppends);
    expect(names(failed)).toContain('concurrency: concurrent appends all land exactly once, with every usage delta counted');
  });

  it('fails a store that misorders lists, in the list checks', async () => {
    const failed = await failures(misordersLists);
    expect(names(failed)).toContain('list: lists newest first (updatedAt desc, then id desc) without messages');
    expect(names(failed)).toContain('list: the keyset cursor gives no duplicates and no gaps while writes happen between pages');
  });

  it('fails a store that ignores expectedVersion, in the versioning checks', async () => {
    const failed = await failures(ignoresExpectedVersion);
    expect(names(failed)).toContain('versioning: a stale expectedVersion is CONFLICT on upsert, append and update, and writes nothing');
    expect(names(failed)).toContain('concurrency: of two writers with the same expectedVersion exactly one wins');
  });

  it('fails a store that resurrects deleted messages, in the delete checks', async () => {
    const failed = await failures(resurrectsDeletedMessages);
    expect(names(failed)).toContain('delete: delete then recreate with the same id never brings old messages back');
  });
});
