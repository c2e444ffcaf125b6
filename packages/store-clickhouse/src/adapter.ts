import { STORE_PACKAGES, type StoreAdapter } from '@agent-conversations/core';
import { createClickHouseStore } from './store.js';

/** The ClickHouse adapter for the resolver: reads `config.clickhouse` (every host of CLICKHOUSE_HOST) and CLICKHOUSE_CLUSTER. */
export const clickhouseAdapter: StoreAdapter<'clickhouse'> = {
  kind: 'clickhouse',
  packageName: STORE_PACKAGES.clickhouse,
  isConfigured(config) {
    return config.clickhouse.url ? true : 'CLICKHOUSE_HOST is not set (e.g. http://clickhouse:8123)';
  },
  create(config) {
    const { hosts, url, username, password, database, table, autoCreate, cluster } = config.clickhouse;
    return createClickHouseStore(
      { url: hosts.length > 0 ? hosts : (url ?? ''), username, password, database },
      { table, autoCreate, cluster },
    );
  },
};
