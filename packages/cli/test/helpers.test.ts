import { describe, expect, it } from 'vitest';
import { backendVariablesSet, probableTypos, readLines, typoHint } from '../src/index.js';
import { formatProgress } from '../src/progress.js';

describe('probably mistyped variables', () => {
  it('names close matches of the variables the resolver reads, and nothing else', () => {
    const env = {
      DATABSE_URL: 'postgres://x',
      agent_conversation_persistence: 'true',
      AGENT_CONVERSATIONS_STORE: 'postgres',
      CLICKHOUSE_HOTS: 'h',
      PATH: '/bin',
      HOME: '/root',
      DATABASE_NAME: 'x',
      NODE_ENV: 'test',
    };
    expect(probableTypos(env)).toEqual([
      { given: 'DATABSE_URL', meant: 'DATABASE_URL' },
      { given: 'agent_conversation_persistence', meant: 'AGENT_CONVERSATION_PERSISTENCE' },
      { given: 'AGENT_CONVERSATIONS_STORE', meant: 'AGENT_CONVERSATION_STORE' },
      { given: 'CLICKHOUSE_HOTS', meant: 'CLICKHOUSE_HOST' },
    ]);
    expect(typoHint({ DATABSE_URL: 'x' })).toBe(' Probably mistyped: DATABSE_URL (did you mean DATABASE_URL?).');
    expect(typoHint({ DATABASE_URL: 'x', PGHOST: 'y' })).toBe('');
    expect(backendVariablesSet({ DATABASE_URL: 'x', POSTGRES_URL: ' ', CLICKHOUSE_HOST: 'h' })).toEqual([
      'DATABASE_URL',
      'CLICKHOUSE_HOST',
    ]);
  });
});

describe('readLines', () => {
  it('splits across chunk boundaries, with \\r\\n and without a final newline', async () => {
    async function* chunks(): AsyncGenerator<string> {
      yield* ['a', 'b\r', '\nc\n', '', 'de', 'f\r\ng'];
    }
    const out: string[] = [];
    for await (const line of readLines(chunks())) out.push(line);
    expect(out).toEqual(['ab', 'c', 'def', 'g']);
  });
});

describe('progress line', () => {
  it('shows percentage, amount of total, rate and ETA; a bar only on a terminal', () => {
    const params = { value: 40, total: 100, startTime: 0, eta: 6 };
    expect(formatProgress('users', false, params, 0, 'user-040', 4000)).toBe(
      'progress: 40% | 40/100 users | 10.0 users/s | ETA 6s | user-040',
    );
    expect(formatProgress('users', true, params, 20, '', 4000)).toBe(
      `${'█'.repeat(10)}${'░'.repeat(14)} 40% | 40/100 users | 5.0 users/s | ETA 6s`,
    );
    expect(formatProgress('bytes', false, { value: 5e6, total: 5e6, startTime: 0, eta: 0 }, 0, '', 2000)).toBe(
      'progress: 100% | 5.0/5.0 MB | 2.5 MB/s | done',
    );
  });
});
