import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore, MIGRATIONS } from '../src/index.js';
import { migrationsTableStatement } from '../src/schema.js';
import { parseTableName } from '../src/table-name.js';
import { openBackend, type Backend } from './support/backend.js';

// chdb runs no cluster, but it parses every statement a cluster would run: EXPLAIN AST fails on a syntax error.
let backend: Backend;
beforeAll(async () => {
  backend = await openBackend();
});
afterAll(() => backend.close());

const table = parseTableName('analytics.agent_conversations');
const migrations = parseTableName('analytics.agent_conversations', 'default', '_migrations');

async function parses(statement: string): Promise<void> {
  const rows = await backend.rows<{ explain: string }>(`EXPLAIN AST ${statement}`);
  expect(rows.length, statement).toBeGreaterThan(0);
}

describe('cluster mode DDL', () => {
  const targets = [
    { cluster: { name: 'dashboard' } },
    {
      cluster: {
        name: 'dashboard',
        zooKeeperPath: '/ch/{cluster}/tables/{shard}/conversations/{table}',
        replica: '{replica}-{shard}',
      },
    },
    { cluster: { name: 'dashboard', zooKeeperPath: '/clickhouse/agent_conversations' } },
  ];

  it.each(targets)(
    'every statement runs ON CLUSTER with a Replicated engine, and the engine parses it (%j)',
    async (target) => {
      const path = target.cluster.zooKeeperPath ?? '/clickhouse/tables/{shard}/{database}/{table}';
      const replica = target.cluster.replica ?? '{replica}';
      const statements = [
        migrationsTableStatement(migrations, target),
        ...MIGRATIONS.flatMap((m) => m.statements(table, target)),
      ];
      for (const statement of statements) {
        expect(statement).toContain('ON CLUSTER `dashboard`');
        expect(statement).toMatch(/ENGINE = ReplicatedReplacingMergeTree\('/);
        expect(statement).toContain(`'${replica}'`);
        await parses(statement);
      }
      expect(statements[1]).toContain(`ReplicatedReplacingMergeTree('${path}', '${replica}', ver, is_deleted)`);
      expect(statements[1]).toContain('replicated_deduplication_window = 10000');
      // The two tables never share a ZooKeeper path, even when the given one has no {table} macro.
      const paths = statements.map((s) => /ReplicatedReplacingMergeTree\('([^']*)'/.exec(s)?.[1]);
      expect(paths[0] !== paths[1] || paths[0]!.includes('{table}'), JSON.stringify(paths)).toBe(true);
    },
  );

  it('EXPLAIN AST refuses a statement that does not parse (the check above can fail)', async () => {
    await expect(parses('CREATE TABLE t ON CLUSTER ENGINE = ReplicatedReplacingMergeTree(')).rejects.toThrow();
  });

  it('single-server DDL has neither ON CLUSTER nor a Replicated engine, and parses', async () => {
    const statements = [migrationsTableStatement(migrations), ...MIGRATIONS.flatMap((m) => m.statements(table))];
    for (const statement of statements) {
      expect(statement).not.toContain('ON CLUSTER');
      expect(statement).not.toContain('Replicated');
      await parses(statement);
    }
  });

  it('a store in cluster mode plans its migrations ON CLUSTER (dry run), and a bad cluster name is CONFIG before any query', async () => {
    const store = createClickHouseStore(
      { client: backend.client },
      { table: `${backend.database}.planned`, cluster: 'dashboard' },
    );
    const report = await store.migrate({ dryRun: true });
    expect(report.steps.map((s) => s.sql).join('\n')).toContain('ON CLUSTER `dashboard`');
    for (const name of ['dash board', 'x`; DROP TABLE t; --', '']) {
      if (name === '') continue; // empty means single-server mode
      expect(() => createClickHouseStore({ client: backend.client }, { cluster: name })).toThrow(
        expect.objectContaining({ code: 'CONFIG' }),
      );
    }
    expect(() =>
      createClickHouseStore({ client: backend.client }, { cluster: { name: 'ok', zooKeeperPath: "/x'); DROP" } }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('a cluster-mode store writes with quorum settings and reads with sequential consistency, and the engine accepts both (single-node table)', async () => {
    const tableName = `${backend.database}.quorum`;
    await createClickHouseStore({ client: backend.client }, { table: tableName }).migrate();
    const sent: string[] = [];
    const recording = new Proxy(backend.client, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        if (prop !== 'query' && prop !== 'command') return value.bind(target);
        return (params: { query: string; clickhouse_settings?: object }) => {
          sent.push(`${params.query.split('\n')[0]} ${JSON.stringify(params.clickhouse_settings ?? {})}`);
          return (value as (p: unknown) => unknown).call(target, params);
        };
      },
    }) as ClickHouseClient;
    const store = createClickHouseStore({ client: recording }, { table: tableName, cluster: 'dashboard' });
    await store.upsert({ id: 'c', userId: 'u', messages: [{ id: 'm1', role: 'user' }] });
    await store.append('u', 'c', [{ id: 'm2', role: 'assistant' }]);
    expect((await store.get('u', 'c'))?.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    const inserts = sent.filter((q) => q.startsWith('INSERT'));
    expect(inserts).toHaveLength(2);
    for (const insert of inserts)
      expect(insert).toMatch(
        /SETTINGS insert_quorum = 'auto', insert_quorum_parallel = 0, async_insert = 0, insert_deduplication_token = '[0-9a-f]{64}' FORMAT JSONEachRow/,
      );
    const reads = sent.filter((q) => q.startsWith('SELECT') && q.includes(tableName.split('.')[1]!));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) expect(read).toContain('"select_sequential_consistency":"1"');
  });
});
