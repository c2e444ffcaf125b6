import { describe, expect, it } from 'vitest';
import { parseTableName } from '../src/table-name.js';
import { versionAtLeast } from '../src/schema.js';

describe('table names', () => {
  it('quotes a validated db.table and derives the migrations table', () => {
    expect(parseTableName('dash.chats')).toMatchObject({ database: 'dash', table: 'chats', sql: '`dash`.`chats`' });
    expect(parseTableName(undefined, 'analytics', '_migrations').display).toBe(
      'analytics.agent_conversations_migrations',
    );
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
