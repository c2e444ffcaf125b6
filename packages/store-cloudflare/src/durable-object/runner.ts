import { mapSqlError } from '../shared/errors.js';
import type { Row, SqlRunner, Statement } from '../shared/runner.js';

/** The part of a Durable Object's storage this package uses. */
export interface SqlStorageLike {
  sql: { exec(query: string, ...bindings: unknown[]): { toArray(): unknown[] } };
  transactionSync<T>(closure: () => T): T;
}

/** Runs statements on a SQLite-backed Durable Object's storage; writes run in one synchronous transaction. */
export function durableObjectRunner(storage: SqlStorageLike): SqlRunner {
  const exec = (statements: readonly Statement[]): Row[][] =>
    statements.map((s) => storage.sql.exec(s.sql, ...s.params).toArray() as Row[]);
  return {
    async read(statements) {
      try {
        return exec(statements);
      } catch (error) {
        throw mapSqlError(error, 'durable-object');
      }
    },
    async write(statements) {
      try {
        return storage.transactionSync(() => exec(statements));
      } catch (error) {
        throw mapSqlError(error, 'durable-object');
      }
    },
  };
}
