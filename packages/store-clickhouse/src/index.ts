export { createClickHouseStore } from './store.js';
export { clickhouseAdapter } from './adapter.js';
export { MIN_SERVER_VERSION, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
export { parseTableName, DEFAULT_TABLE, type TableName } from './table-name.js';
export type {
  ClickHouseClientConnection,
  ClickHouseConnectionOptions,
  ClickHouseConversationStore,
  ClickHouseStoreOptions,
} from './types.js';
