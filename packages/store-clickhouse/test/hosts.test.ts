import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { createStoreResolver } from '@agent-conversations/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseAdapter, createClickHouseStore } from '../src/index.js';
import { openBackend, type Backend } from './support/backend.js';
import { freshTable, messages } from './support/fixtures.js';
import { freePort } from './support/old-server.js';

// Several hosts: a real closed port (connection refused) and a live engine (chdb).
let backend: Backend;
let closed: string;
beforeAll(async () => {
  backend = await openBackend();
  closed = `http://127.0.0.1:${await freePort()}`;
});
afterAll(() => backend.close());

const down = () => createClient({ url: closed, request_timeout: 5000, log: { level: ClickHouseLogLevel.OFF } });

describe('several hosts', () => {
  it('a call that meets a closed port moves on to the next host and succeeds there, and later calls stay there', async () => {
    const table = freshTable(backend);
    const store = createClickHouseStore({ client: [down(), backend.client] }, { table, autoCreate: true });
    const meta = await store.upsert({ id: 'c', userId: 'u', messages: messages(2) });
    expect(meta.version).toBe(1);
    expect((await store.get('u', 'c'))?.messages).toEqual(messages(2));
    expect((await store.append('u', 'c', messages(1, 'x'))).version).toBe(2);
    await store.close();
  });

  it('every host is tried: the live one is found after several closed ones', async () => {
    const table = freshTable(backend);
    const store = createClickHouseStore({ client: [down(), down(), backend.client] }, { table, autoCreate: true });
    expect((await store.list('u')).items).toEqual([]);
    await store.close();
  });

  it('the retry budget is kept: with one attempt, a closed first host is UNAVAILABLE (retryable) and the live one is not reached', async () => {
    const table = freshTable(backend);
    const store = createClickHouseStore(
      { client: [down(), backend.client] },
      { table, autoCreate: true, hostAttempts: 1 },
    );
    await expect(store.list('u')).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    // The next call starts from the next host.
    expect((await store.list('u')).items).toEqual([]);
    await store.close();
  });

  it('URLs of hosts that are all down end in UNAVAILABLE without the password, after trying each', async () => {
    const secret = 'pw-hosts-7731';
    const other = `http://127.0.0.1:${await freePort()}`;
    const store = createClickHouseStore(
      { url: [closed.replace('http://', `http://app:${secret}@`), other], password: secret, requestTimeoutMs: 5000 },
      { hostRetryDelayMs: 0 },
    );
    const error = (await store.list('u').catch((e: unknown) => e)) as Error & { code: string; cause?: unknown };
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain(secret);
    await store.close();
  });

  it('through the env: every host of CLICKHOUSE_HOST is used, and CLICKHOUSE_CLUSTER must be a plain name', async () => {
    const env = {
      AGENT_CONVERSATION_PERSISTENCE: 'true',
      AGENT_CONVERSATION_STORE: 'clickhouse',
      CLICKHOUSE_HOST: `${closed},127.0.0.1:${await freePort()}`,
    };
    const resolver = createStoreResolver([clickhouseAdapter]);
    const store = await resolver.resolve({ env, logger: { warn: () => undefined } });
    await expect(store.list('u')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await store.close();
    await expect(
      resolver.resolve({ env: { ...env, CLICKHOUSE_CLUSTER: 'two words' }, logger: { warn: () => undefined } }),
    ).rejects.toMatchObject({ code: 'CONFIG' });
    const clustered = await resolver.resolve({
      env: { ...env, CLICKHOUSE_CLUSTER: 'dashboard' },
      logger: { warn: () => undefined },
    });
    await clustered.close();
  });
});
