import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of its own on the test server, so test files can run in parallel. */
export interface TestDatabase {
  url: string;
  name: string;
  /** A pool for reading the tables directly (inspect), ended by drop(). */
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** The URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates a fresh database named after the test file on the server of `adminUrl`. */
export async function createTestDatabase(adminUrl: string, label: string): Promise<TestDatabase> {
  const name = `ac_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  // pool.end() resolves before its connections have closed; drop() waits for them, or DROP ... WITH (FORCE) would terminate
  // one still closing and its error would reach the pool with no listener (an unhandled error in the test run).
  const closed: Promise<void>[] = [];
  pool.on('connect', (client) => closed.push(new Promise((resolve) => client.once('end', () => resolve()))));
  return {
    url,
    name,
    pool,
    drop: async () => {
      await pool.end();
      await Promise.all(closed);
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
