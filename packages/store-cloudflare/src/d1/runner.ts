import { mapSqlError } from '../shared/errors.js';
import type { Row, SqlRunner, Statement } from '../shared/runner.js';

/** The part of a D1 prepared statement this package uses (a real `D1PreparedStatement` fits). */
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all(): Promise<{ results?: unknown[] }>;
}

/** The part of a D1 binding this package uses (a real `D1Database` fits). */
export interface D1DatabaseLike {
  prepare(query: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<{ results?: unknown[] }[]>;
}

/** True when `value` looks like a D1 binding (has prepare and batch). */
export function isD1Database(value: unknown): value is D1DatabaseLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as D1DatabaseLike).prepare === 'function' &&
    typeof (value as D1DatabaseLike).batch === 'function'
  );
}

/** Runs statements on D1: one statement alone, several as one `batch()` (a single atomic transaction). */
export function d1Runner(db: D1DatabaseLike): SqlRunner {
  const run = async (statements: readonly Statement[]): Promise<Row[][]> => {
    try {
      const prepared = statements.map((s) => db.prepare(s.sql).bind(...s.params));
      const results = prepared.length === 1 ? [await prepared[0]!.all()] : await db.batch(prepared);
      return results.map((r) => (r.results ?? []) as Row[]);
    } catch (error) {
      throw mapSqlError(error, 'd1');
    }
  };
  return { read: run, write: run };
}
