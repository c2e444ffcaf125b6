import { createTestDatabase, providePostgres } from '@agent-conversations/pg-test-server';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database of its own for the workerd tests, on the same server as `pgUrl`. */
    pgWorkersUrl: string;
  }
}

/** One throwaway PostgreSQL for the whole run (unless DATABASE_URL points at one); test files read `inject('pgUrl')`, the
 * workerd project's Hyperdrive binding points at `pgWorkersUrl`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stop = await providePostgres(project);
  const workers = await createTestDatabase(project.getProvidedContext().pgUrl, 'workers');
  project.provide('pgWorkersUrl', workers.url);
  return async () => {
    await workers.drop();
    await stop();
  };
}
