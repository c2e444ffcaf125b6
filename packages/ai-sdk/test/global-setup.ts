import { providePostgres } from '@agent-conversations/pg-test-server';

/** One throwaway PostgreSQL for the whole run (unless DATABASE_URL points at one); test files read `inject('pgUrl')`. */
export default providePostgres;
