import { ConversationStoreError, STORE_PACKAGES, type StoreAdapter } from '@agent-conversations/core';
import { createPostgresStore } from './store.js';

/** The resolver's entry for Postgres: configured by DATABASE_URL, POSTGRES_URL or POSTGRES_PRISMA_URL (parsed by core). */
export const postgresAdapter: StoreAdapter<'postgres'> = {
  kind: 'postgres',
  packageName: STORE_PACKAGES.postgres,
  isConfigured: (config) =>
    config.postgres.url ? true : 'none of DATABASE_URL, POSTGRES_URL, POSTGRES_PRISMA_URL is set to a postgres:// URL',
  create(config, context) {
    const url = config.postgres.url;
    if (!url) {
      throw new ConversationStoreError(
        'CONFIG',
        'the postgres store needs DATABASE_URL, POSTGRES_URL or POSTGRES_PRISMA_URL (postgresql://user:password@host:5432/db)',
        { adapter: 'postgres' },
      );
    }
    return createPostgresStore({ connectionString: url }, { logger: context.logger });
  },
};
