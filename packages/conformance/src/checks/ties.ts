import type { ConversationStore } from '@agent-conversations/core';
import { expect } from '../expect.js';
import { userMessage, type Check } from '../check.js';

const IMPORTED = 1_650_000_000_000;

/** Every id of the user's list, paging with `limit` and optional `updatedAfter`, failing on a repeat. */
async function pageAll(
  store: ConversationStore,
  userId: string,
  limit: number,
  updatedAfter?: number,
  between?: (ids: string[]) => Promise<void>,
): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const result = await store.list(userId, { limit, cursor, updatedAfter });
    expect(result.items.length, `page ${page} is longer than the limit`).toBeLessThanOrEqual(limit);
    seen.push(...result.items.map((m) => m.id));
    expect(
      new Set(seen).size,
      `limit ${limit}: a tied conversation was listed twice; pages so far ${JSON.stringify(seen)}`,
    ).toBe(seen.length);
    if (!result.nextCursor) return seen;
    cursor = result.nextCursor;
    await between?.(result.items.map((m) => m.id));
  }
  throw new Error('the cursor never ended (50 pages)');
}

export const tieChecks: Check[] = [
  {
    id: 'list.updated-at-ties',
    concern: 'list',
    name: 'conversations with the same updatedAt list by id desc, and keyset pages over them skip and repeat nothing, even when the cursor row is deleted',
    skipUnless: (o, caps) =>
      caps.importTimestamps || o.clock
        ? null
        : 'ties are forced by importing equal updatedAt values or through the clock hook; the adapter declares importTimestamps: false and gives no clock',
    async run({ store, user, id, capabilities, clock }) {
      const u = user();
      const base = id();
      // With imported timestamps the tie is a fixed instant; with the clock hook it lies ahead of the backend's clock, which may never go backwards.
      const T = capabilities.importTimestamps ? IMPORTED : Date.now() + 60_000;
      const write = async (c: string, at: number) => {
        if (capabilities.importTimestamps)
          return store.upsert({ id: c, userId: u, messages: [userMessage(c)], createdAt: T - 10, updatedAt: at });
        await clock!.set(at);
        try {
          return await store.upsert({ id: c, userId: u, messages: [userMessage(c)] });
        } finally {
          await clock!.set(null);
        }
      };
      // Ids that sort differently under a locale collation than by code unit (case, punctuation).
      const tied = ['a', 'B', 'b', 'A', '_c', '.d', ':e', '-f', 'Z9', '0'].map((s) => `${base}${s}`);
      const [before, after] = [`${base}-before`, `${base}-after`];
      const writes: [string, number][] = [
        [after, T + 1],
        ...tied.map((c): [string, number] => [c, T]),
        [before, T - 1],
      ];
      for (const [c, at] of [...writes].reverse())
        expect((await write(c, at)).updatedAt, `${c} was written with updatedAt ${at}`).toBe(at);
      const byCodeUnitDesc = (x: string, y: string) => (x < y ? 1 : x > y ? -1 : 0);
      const expected = [after, ...[...tied].sort(byCodeUnitDesc), before];
      expect(
        (await store.list(u)).items.map((m) => m.id),
        'one page: updatedAt desc, then id desc (by UTF-16 code unit)',
      ).toEqual(expected);
      for (const limit of [1, 2, 3, 7]) expect(await pageAll(store, u, limit), `pages of ${limit}`).toEqual(expected);
      expect(await pageAll(store, u, 2, T - 1), 'updatedAfter just below the tie, pages of 2').toEqual(
        expected.slice(0, -1),
      );
      expect(await pageAll(store, u, 2, T), 'updatedAfter equal to the tie excludes it').toEqual([after]);
      // The cursor points at a position, not at a row: deleting the row it came from loses nothing.
      const deleted: string[] = [];
      const seen = await pageAll(store, u, 3, undefined, async (ids) => {
        const last = ids[ids.length - 1]!;
        expect(await store.delete(u, last)).toBe(true);
        deleted.push(last);
      });
      expect(seen, 'pages of 3, deleting the last item of each page before asking for the next').toEqual(expected);
      expect((await store.list(u, { limit: 200 })).items.map((m) => m.id)).toEqual(
        expected.filter((c) => !deleted.includes(c)),
      );
    },
  },
];
