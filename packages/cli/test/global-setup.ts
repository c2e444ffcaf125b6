import { providePostgres } from '@agent-conversations/pg-test-server';

export default providePostgres;
