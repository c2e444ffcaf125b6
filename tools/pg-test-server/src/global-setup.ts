import type { TestProject } from 'vitest/node';
import { startPgServer, type PgServer } from './pg-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the server the tests use: DATABASE_URL, or a throwaway server started here. */
    pgUrl: string;
  }
}

/** For a vitest globalSetup: starts one throwaway PostgreSQL for the run (unless DATABASE_URL is set), provides `pgUrl`, and returns the teardown. */
export async function providePostgres(project: TestProject): Promise<() => Promise<void>> {
  let server: PgServer | undefined;
  const given = process.env.DATABASE_URL;
  if (!given) server = await startPgServer();
  project.provide('pgUrl', given ?? server!.url);
  return async () => {
    await server?.destroy();
  };
}
