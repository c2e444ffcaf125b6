export { findPgBin, freePort, startPgServer, unprivilegedUser, type PgServer } from './pg-server.js';
export { createTestDatabase, withDatabase, type TestDatabase } from './database.js';
export { providePostgres } from './global-setup.js';
