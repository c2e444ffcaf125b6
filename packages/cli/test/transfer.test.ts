import { createMemoryStore, type ConversationStore } from '@agent-conversations/core';
import { describe, expect, it } from 'vitest';
import { copyConversations, exportConversations, importConversations, type CopyCheckpoint } from '../src/index.js';

async function seed(store: ConversationStore, users: number, perUser: number): Promise<void> {
  for (let u = 0; u < users; u++) {
    for (let c = 0; c < perUser; c++) {
      await store.upsert({
        id: `conv-${c}`,
        userId: `user-${u}`,
        title: c % 2 ? `Chat ${c}` : undefined,
        metadata: c % 3 ? { source: 'seed', nested: { n: c } } : undefined,
        usage: { inputTokens: c * 10, costUsd: c / 100 },
        createdAt: 1_700_000_000_000 + c,
        updatedAt: 1_700_000_100_000 + u * 100 + c,
        messages: [
          { id: `m-${c}-1`, role: 'user', parts: [{ type: 'text', text: `question ${c} \u0000 😀` }] },
          { id: `m-${c}-2`, role: 'assistant', parts: [{ type: 'text', text: `answer ${c}` }] },
        ],
      });
    }
  }
}

async function exportText(store: ConversationStore): Promise<string> {
  const lines: string[] = [];
  await exportConversations(store, { all: true }, async (line) => void lines.push(line));
  return `${lines.join('\n')}\n`;
}

async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split('\n');
}

describe('export and import', () => {
  it('round-trips byte-identically through an empty store', async () => {
    const source = createMemoryStore();
    await seed(source, 3, 4);
    const first = await exportText(source);
    expect(first.split('\n')[0]).toBe('{"format":"agent-conversations","version":1}');
    expect(first.trim().split('\n')).toHaveLength(1 + 12);
    const target = createMemoryStore();
    const result = await importConversations(target, linesOf(first));
    expect(result).toEqual({ users: 3, copied: 12, skipped: 0, failed: 0, conflicts: [] });
    expect(await exportText(target)).toBe(first);
  });

  it('is idempotent and reports conflicts without overwriting them', async () => {
    const source = createMemoryStore();
    await seed(source, 2, 3);
    const text = await exportText(source);
    const target = createMemoryStore();
    await target.upsert({ id: 'conv-1', userId: 'user-1', messages: [{ id: 'x', role: 'user', content: 'mine' }] });
    const first = await importConversations(target, linesOf(text));
    expect(first).toMatchObject({ copied: 5, skipped: 0, failed: 0 });
    expect(first.conflicts).toEqual([{ userId: 'user-1', id: 'conv-1', reason: 'a different conversation with this id exists; left as it is' }]);
    expect((await target.get('user-1', 'conv-1'))?.messages).toEqual([{ id: 'x', role: 'user', content: 'mine' }]);
    const second = await importConversations(target, linesOf(text));
    expect(second).toMatchObject({ copied: 0, skipped: 5, failed: 0 });
  });

  it('refuses a file that is not an export, or of a newer format', async () => {
    await expect(importConversations(createMemoryStore(), linesOf('{"id":"x"}'))).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(importConversations(createMemoryStore(), linesOf('{"format":"agent-conversations","version":2}'))).rejects.toThrow(/version 2 is not supported/);
    await expect(importConversations(createMemoryStore(), linesOf(''))).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('says when a store cannot enumerate users', async () => {
    const { listUsers: _omit, ...blind } = createMemoryStore();
    await expect(exportConversations(blind as ConversationStore, { all: true }, async () => undefined)).rejects.toThrow(/cannot enumerate users; pass --user/);
  });
});

describe('copy', () => {
  it('resumes after a crash half-way and ends with exactly one copy of everything', async () => {
    const from = createMemoryStore();
    await seed(from, 4, 5);
    const to = createMemoryStore();
    let saved: CopyCheckpoint | null = null;
    const checkpoint = { load: async () => saved, save: async (c: CopyCheckpoint) => void (saved = JSON.parse(JSON.stringify(c))) };
    let writes = 0;
    const crashing: ConversationStore = {
      ...to,
      upsert: async (input, opts) => {
        writes += 1;
        if (writes === 12) throw new Error('simulated crash');
        return to.upsert(input, opts);
      },
    };
    await expect(copyConversations({ from, to: crashing, selection: { all: true }, checkpoint })).rejects.toThrow('simulated crash');
    expect(saved).toMatchObject({ lastUser: 'user-1' });
    const result = await copyConversations({ from, to, selection: { all: true }, checkpoint });
    // 11 writes landed before the crash; the one conversation of user-2 already copied is skipped on resume.
    expect(result).toMatchObject({ users: 4, copied: 19, skipped: 1, failed: 0, conflicts: [], mismatches: [] });
    expect(await exportText(to)).toBe(await exportText(from));
    const again = await copyConversations({ from, to, selection: { all: true } });
    expect(again).toMatchObject({ copied: 0, skipped: 20 });
  });
});
