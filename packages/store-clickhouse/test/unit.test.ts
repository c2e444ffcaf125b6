import { describe, expect, it } from 'vitest';
import { chainOf, link } from '../src/state.js';
import { parseTableName } from '../src/table-name.js';
import { versionAtLeast } from '../src/schema.js';

describe('message chain', () => {
  it('extends from any link and changes when any earlier message changes', () => {
    const jsons = ['{"id":"a"}', '{"id":"b"}', '{"id":"c"}'];
    const links = chainOf(jsons);
    expect(links).toHaveLength(4);
    expect(links[0]).toBe('');
    expect(chainOf(jsons.slice(1), links[1])).toEqual(links.slice(1));
    expect(link(links[2]!, jsons[2]!)).toBe(links[3]);
    expect(chainOf(['{"id":"a "}', ...jsons.slice(1)])[3]).not.toBe(links[3]);
    expect(new Set(links).size).toBe(4);
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
