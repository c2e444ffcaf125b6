/** A value SQLite takes as a bound parameter or returns in a row (text, numbers and NULL are all this package uses). */
export type SqlValue = string | number | null;

/** One row as a plain object keyed by column name. */
export type Row = Record<string, unknown>;

/** One SQL statement with its positional (`?`) parameters. */
export interface Statement {
  sql: string;
  params: readonly SqlValue[];
}

/** Runs statements on one SQLite database (D1 or a Durable Object's storage). */
export interface SqlRunner {
  /** Runs read statements in one consistent snapshot; returns each statement's rows. */
  read(statements: readonly Statement[]): Promise<Row[][]>;
  /** Runs statements as one atomic transaction (all or nothing); returns each statement's rows. */
  write(statements: readonly Statement[]): Promise<Row[][]>;
}

/** Shorthand to build a statement. */
export function sql(text: string, ...params: SqlValue[]): Statement {
  return { sql: text, params };
}
