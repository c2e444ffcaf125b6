import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoreInternals } from '../src/context.js';
import { slotToken } from '../src/commit.js';

describe('the deduplication token of a slot', () => {
  it('is the hex SHA-256 earlier versions computed with node:crypto, so instances of both race for a slot with one token', async () => {
    const ctx = { db: { table: { display: 'db.agent_conversations' } } } as unknown as StoreInternals;
    for (const [userId, id, slot] of [
      ['u', 'c', 1],
      ['ü😀', 'c\u0000', 123_456],
    ] as const) {
      const before = createHash('sha256')
        .update(JSON.stringify(['db.agent_conversations', userId, id, slot]))
        .digest('hex');
      expect(await slotToken(ctx, userId, id, slot)).toBe(before);
    }
  });
});
