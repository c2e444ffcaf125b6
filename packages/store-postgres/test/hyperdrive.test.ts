import { describe, expect, it } from 'vitest';
import { createPostgresStore, type HyperdriveBinding } from '../src/index.js';

// The Hyperdrive binding's options, without I/O; test-workers/ runs the store over a real binding in workerd.
const binding: HyperdriveBinding = {
  connectionString: 'postgresql://user:s3cret-pw@0123abcd.hyperdrive.local:5432/app',
};

describe('{ hyperdrive }', () => {
  it("connects with the binding's string in transaction-pooler mode, 5 connections (a Worker request may hold 6)", async () => {
    const store = createPostgresStore({ hyperdrive: binding });
    const options = (store.pool as unknown as { options: Record<string, unknown> }).options;
    expect(options).toMatchObject({ connectionString: binding.connectionString, max: 5 });
    expect(options.statement_timeout).toBeUndefined(); // no startup parameter behind a transaction-mode pooler
    await store.close();
  });

  it('lets poolSize and pgbouncer: false override those defaults', async () => {
    const store = createPostgresStore(
      { hyperdrive: binding },
      { poolSize: 2, pgbouncer: false, statementTimeoutMs: 5_000 },
    );
    expect((store.pool as unknown as { options: Record<string, unknown> }).options).toMatchObject({
      max: 2,
      statement_timeout: 5_000,
    });
    await store.close();
  });

  it('refuses what is not a Hyperdrive binding with a CONFIG error that says where the binding comes from', () => {
    for (const hyperdrive of [undefined, {}, { connectionString: 42 }]) {
      expect(() => createPostgresStore({ hyperdrive: hyperdrive as unknown as HyperdriveBinding })).toThrow(
        expect.objectContaining({ code: 'CONFIG', message: expect.stringContaining('"hyperdrive" in wrangler.jsonc') }),
      );
    }
    const error = (() => {
      try {
        createPostgresStore({ hyperdrive: { connectionString: 'mysql://user:s3cret-pw@host/app' } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toMatchObject({ code: 'CONFIG' });
    expect(`${error?.message} ${error?.stack}`).not.toContain('s3cret-pw');
  });
});
