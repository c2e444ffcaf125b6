import { describe, expect, it } from 'vitest';
import { tick, TOMBSTONE_VERSION } from '../src/clock.js';
import { parseTableName } from '../src/table-name.js';
import { versionAtLeast } from '../src/schema.js';

describe('hybrid clock', () => {
  it('is strictly increasing within one millisecond and never below a version it read', () => {
    const now = 1_800_000_000_000;
    const a = tick(0, now);
    const b = tick(0, now);
    const c = tick(b + 500, now);
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b + 499);
    expect(tick(0, now)).toBeGreaterThan(c);
    expect(TOMBSTONE_VERSION).toBeGreaterThan(tick(0, Date.now() + 100 * 365 * 86_400_000));
  });
});

describe('table names', () => {
  it('quotes a validated db.table and derives the migrations table', () => {
    expect(parseTableName('dash.chats')).toMatchObject({ database: 'dash', table: 'chats', sql: '`dash`.`chats`' });
    expect(parseTableName(undefined, 'analytics', '_migrations').display).toBe('analytics.agent_conversations_migrations');
  });
});

describe('server versions', () => {
  it('compares dotted versions numerically', () => {
    expect(versionAtLeast('18.16.1', '23.8')).toBe(false);
    expect(versionAtLeast('23.8.1.2992', '23.8')).toBe(true);
    expect(versionAtLeast('23.10.1', '23.8')).toBe(true);
    expect(versionAtLeast('26.7.2.1', '23.8')).toBe(true);
    expect(versionAtLeast('23.3.22', '23.8')).toBe(false);
  });
});
