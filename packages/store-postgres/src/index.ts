export { createPostgresStore, type PostgresStore } from './store.js';
export { postgresAdapter } from './adapter.js';
export {
  DEFAULT_SCHEMA,
  tableNames,
  parseConnectionString,
  type ConnectionSettings,
  type HyperdriveBinding,
  type PgCompatiblePool,
  type PostgresConnection,
  type PostgresStoreOptions,
  type TableNames,
} from './config.js';
export { MIGRATIONS, LATEST_VERSION, migrationFile, migrationFiles, type Migration } from './migrations.js';
