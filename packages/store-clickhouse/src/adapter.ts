import { STORE_PACKAGES, type StoreAdapter } from '@agent-conversations/core';
import { createClickHouseStore } from './store.js';

/** The ClickHouse adapter for the resolver: reads `config.clickhouse`; of a comma-separated CLICKHOUSE_HOST it uses the first host (core's explanation says so). */
export const clickhouseAdapter: StoreAdapter<'clickhouse'> = {
  kind: 'clickhouse',
  packageName: STORE_PACKAGES.clickhouse,
  isConfigured(config) {
    return config.clickhouse.url ? true : 'CLICKHOUSE_HOST is not set (e.g. http://clickhouse:8123)';
  },
  create(config) {
    const { url, username, password, database, table, autoCreate } = config.clickhouse;
    return createClickHouseStore({ url: url ?? '', username, password, database }, { table, autoCreate });
  },
};
