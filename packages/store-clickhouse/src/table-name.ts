import { ConversationStoreError } from '@agent-conversations/core';

/** A validated `database.table` pair, safe to put in SQL unquoted-by-parameter. */
export interface TableName {
  database: string;
  table: string;
  /** `` `database`.`table` `` ready for SQL. */
  sql: string;
  /** `database.table` for messages. */
  display: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** The default table: `${database}.agent_conversations`. */
export const DEFAULT_TABLE = 'agent_conversations';

/** Parses `db.table` (or `table`, placed in `database`); throws CONFIG for anything but identifier characters, before any query runs. */
export function parseTableName(value: string | undefined, database = 'default', suffix = ''): TableName {
  const raw = value ?? `${database}.${DEFAULT_TABLE}`;
  const parts = typeof raw === 'string' ? raw.split('.') : [];
  const [db, table] = parts.length === 1 ? [database, parts[0]] : parts;
  if (parts.length > 2 || db === undefined || table === undefined || !IDENT.test(db) || !IDENT.test(table)) {
    throw new ConversationStoreError(
      'CONFIG',
      `ClickHouse table name ${JSON.stringify(raw)} is not a plain db.table name of letters, digits and _ (set CLICKHOUSE_AGENT_CONVERSATIONS_TABLE, e.g. "analytics.agent_conversations")`,
      { adapter: 'clickhouse' },
    );
  }
  const name = `${table}${suffix}`;
  return { database: db, table: name, sql: `\`${db}\`.\`${name}\``, display: `${db}.${name}` };
}
