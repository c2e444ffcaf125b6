import { STORE_PACKAGES, type StoreAdapter } from '@agent-conversations/core';
import { createClickHouseStore } from './store.js';

/** The ClickHouse adapter for the resolver: reads `config.clickhouse` (every host of CLICKHOUSE_HOST) and CLICKHOUSE_CLUSTER. */
export const clickhouseAdapter: StoreAdapter<'clickhouse'> = {
  kind: 'clickhouse',
  packageName: STORE_PACKAGES.clickhouse,
  isConfigured(config) {
    return config.clickhouse.url ? true : 'CLICKHOUSE_HOST is not set (e.g. http://clickhouse:8123)';
  },
  create(config, context) {
    const { hosts, url, username, password, database, table, autoCreate } = config.clickhouse;
    // core's config does not parse CLICKHOUSE_CLUSTER yet; the store checks the name (CONFIG error) before any I/O.
    const cluster = context.env.CLICKHOUSE_CLUSTER?.trim() || undefined;
    return createClickHouseStore({ url: hosts.length > 0 ? hosts : (url ?? ''), username, password, database }, { table, autoCreate, cluster });
  },
};
