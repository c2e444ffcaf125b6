import { ConversationStoreError, createMemoryStore, type ConversationStore } from '@agent-conversations/core';
import { describe, expect, it } from 'vitest';
import {
  copyConversations,
  exportConversations,
  importConversations,
  validateExport,
  type CopyCheckpoint,
  type LineProblem,
} from '../src/index.js';

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
    expect(result).toEqual({
      read: 12,
      written: 12,
      skipped: 0,
      bad: 0,
      failed: 0,
      alreadyThere: 0,
      conflicts: 0,
      otherUsers: 0,
    });
    expect(await exportText(target)).toBe(first);
  });

  it('is idempotent and reports conflicts without overwriting them', async () => {
    const source = createMemoryStore();
    await seed(source, 2, 3);
    const text = await exportText(source);
    const target = createMemoryStore();
    await target.upsert({ id: 'conv-1', userId: 'user-1', messages: [{ id: 'x', role: 'user', content: 'mine' }] });
    const problems: LineProblem[] = [];
    const first = await importConversations(target, linesOf(text), { onProblem: (p) => problems.push(p) });
    expect(first).toMatchObject({ read: 6, written: 5, skipped: 1, conflicts: 1, failed: 0 });
    expect(problems).toEqual([
      {
        line: 6,
        kind: 'conflict',
        userId: 'user-1',
        id: 'conv-1',
        reason: 'a different conversation with this id exists; left as it is',
      },
    ]);
    expect((await target.get('user-1', 'conv-1'))?.messages).toEqual([{ id: 'x', role: 'user', content: 'mine' }]);
    const second = await importConversations(target, linesOf(text));
    expect(second).toMatchObject({ written: 0, skipped: 6, alreadyThere: 5, conflicts: 1 });
  });

  it('refuses a file that is not an export, or of a newer format', async () => {
    await expect(importConversations(createMemoryStore(), linesOf('{"id":"x"}'))).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      importConversations(createMemoryStore(), linesOf('{"format":"agent-conversations","version":2}')),
    ).rejects.toThrow(/version 2 is not supported/);
    await expect(importConversations(createMemoryStore(), linesOf(''))).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('says when a store cannot enumerate users', async () => {
    const { listUsers: _omit, ...blind } = createMemoryStore();
    await expect(exportConversations(blind as ConversationStore, { all: true }, async () => undefined)).rejects.toThrow(
      /cannot enumerate users; pass --user/,
    );
  });
});

describe('import of crafted lines', () => {
  const header = '{"format":"agent-conversations","version":1}';
  const good = (id: string, userId: string): string =>
    JSON.stringify({ id, userId, messages: [{ id: 'm', role: 'user', content: id }] });

  it('reports every bad line with its number and reason, goes on, and never throws a TypeError', async () => {
    const lines = [
      `\uFEFF${header}`,
      good('a', 'alice'),
      'null',
      '{"id":',
      '42',
      '[]',
      '{"id":"x","userId":7,"messages":[]}',
      '{"id":"y","userId":"bob","messages":"no"}',
      '',
      good('b', 'bob'),
    ];
    const problems: LineProblem[] = [];
    const store = createMemoryStore();
    const result = await importConversations(store, linesOf(lines.join('\n')), { onProblem: (p) => problems.push(p) });
    expect(result).toMatchObject({ read: 8, written: 2, bad: 6, skipped: 0, failed: 0 });
    expect(problems.map((p) => [p.line, p.kind])).toEqual([
      [3, 'bad'],
      [4, 'bad'],
      [5, 'bad'],
      [6, 'bad'],
      [7, 'bad'],
      [8, 'bad'],
    ]);
    expect(problems[0]!.reason).toBe('expected a conversation object, got null');
    expect(problems[1]!.reason).toMatch(/^not JSON/);
    expect(problems.map((p) => p.reason).join('\n')).not.toMatch(/TypeError|Cannot read properties/);
    expect(await store.get('bob', 'b')).not.toBeNull();
  });

  it("imports only the given users: other users' lines are skipped, never rewritten", async () => {
    const store = createMemoryStore();
    const result = await importConversations(
      store,
      linesOf([header, good('a', 'alice'), good('b', 'bob')].join('\n')),
      { users: ['alice'] },
    );
    expect(result).toMatchObject({ read: 2, written: 1, skipped: 1, otherUsers: 1 });
    expect(await store.get('alice', 'b')).toBeNull();
    expect(await store.get('bob', 'b')).toBeNull();
  });

  it('validateExport finds the first bad line without writing; a BOM is fine', async () => {
    expect(await validateExport(linesOf([`\uFEFF${header}`, good('a', 'alice'), 'null', '{'].join('\n')))).toEqual({
      line: 3,
      kind: 'bad',
      reason: 'expected a conversation object, got null',
    });
    expect(await validateExport(linesOf([`\uFEFF${header}`, good('a', 'alice')].join('\r\n')))).toBeNull();
  });
});

describe('copy', () => {
  it('resumes after a crash half-way and ends with exactly one copy of everything', async () => {
    const from = createMemoryStore();
    await seed(from, 4, 5);
    const to = createMemoryStore();
    let saved: CopyCheckpoint | null = null;
    const checkpoint = {
      load: async () => saved,
      save: async (c: CopyCheckpoint) => void (saved = JSON.parse(JSON.stringify(c))),
    };
    let writes = 0;
    const crashing: ConversationStore = {
      ...to,
      upsert: async (input, opts) => {
        writes += 1;
        if (writes === 12) throw new Error('simulated crash');
        return to.upsert(input, opts);
      },
    };
    await expect(copyConversations({ from, to: crashing, selection: { all: true }, checkpoint })).rejects.toThrow(
      'simulated crash',
    );
    expect(saved).toMatchObject({ lastUser: 'user-1' });
    const result = await copyConversations({ from, to, selection: { all: true }, checkpoint });
    // 11 writes landed before the crash; the one conversation of user-2 already copied is skipped on resume.
    expect(result).toMatchObject({
      users: 4,
      copied: 19,
      skipped: 1,
      failures: [],
      conflicts: [],
      mismatches: [],
      resumed: true,
    });
    expect(await exportText(to)).toBe(await exportText(from));
    const again = await copyConversations({ from, to, selection: { all: true } });
    expect(again).toMatchObject({ copied: 0, skipped: 20, resumed: false, checked: 20 });
  });
});

describe('copy with failing writes', () => {
  it('a resumed copy retries what failed before; the closing check compares ids and versions, not counts', async () => {
    const from = createMemoryStore();
    await seed(from, 3, 2);
    const to = createMemoryStore();
    let saved: CopyCheckpoint | null = null;
    const checkpoint = {
      load: async () => saved,
      save: async (c: CopyCheckpoint) => void (saved = JSON.parse(JSON.stringify(c))),
    };
    const failing: ConversationStore = {
      ...to,
      upsert: async (input, opts) => {
        if (input.userId === 'user-1' && input.id === 'conv-1')
          throw new ConversationStoreError('UNAVAILABLE', 'injected failure');
        return to.upsert(input, opts);
      },
    };
    const first = await copyConversations({ from, to: failing, selection: { all: true }, checkpoint });
    expect(first.failures).toEqual([{ userId: 'user-1', id: 'conv-1', reason: 'UNAVAILABLE: injected failure' }]);
    expect(first.mismatches).toEqual([]);
    expect(saved).toMatchObject({ lastUser: 'user-2', failures: [{ userId: 'user-1', id: 'conv-1' }] });
    const resumed = await copyConversations({ from, to, selection: { all: true }, checkpoint });
    expect(resumed).toMatchObject({ resumed: true, copied: 6, failures: [], mismatches: [] });
    expect(await exportText(to)).toBe(await exportText(from));

    // Same count, different conversation: a count check would pass, the id check does not.
    const other = createMemoryStore();
    await seed(other, 1, 2);
    const target = createMemoryStore();
    await target.upsert({ id: 'conv-9', userId: 'user-0', messages: [{ id: 'x', role: 'user', content: 'other' }] });
    const dropping: ConversationStore = {
      ...target,
      upsert: async (input, opts) =>
        input.id === 'conv-1' ? (await target.get(input.userId, 'conv-9'))! : target.upsert(input, opts),
    };
    const checked = await copyConversations({ from: other, to: dropping, selection: { userIds: ['user-0'] } });
    expect(checked.mismatches).toEqual([{ userId: 'user-0', id: 'conv-1', reason: 'missing in the destination' }]);
  });
});
