import { createStoreResolver, explainStoreResolution, formatExplanation } from '@agent-conversations/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseAdapter, createClickHouseStore } from '../src/index.js';
import { OLD_SERVER_MISSING, freePort, startOldServer, type OldServer } from './support/old-server.js';

const PASSWORD = 'pw-Zq81-never-shown';

function text(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.message, current.stack ?? '');
    current = current.cause;
  }
  return `${parts.join('\n')}\n${JSON.stringify(error)}`;
}

async function failure(promise: Promise<unknown>): Promise<Error & { code: string; retryable: boolean }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: 'ConversationStoreError' });
  return error as Error & { code: string; retryable: boolean };
}

describe('HTTP errors', () => {
  it('a port where nothing listens is UNAVAILABLE and retryable, without the password or credentials in the URL', async () => {
    const port = await freePort();
    const store = createClickHouseStore({ url: `http://admin:${PASSWORD}@127.0.0.1:${port}`, requestTimeoutMs: 5000 });
    const error = await failure(store.list('u'));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, adapter: 'clickhouse' });
    expect(text(error)).not.toContain(PASSWORD);
    expect(text(error)).not.toContain('admin:');
    await store.close();
  });
});

// A missing binary is a failure with the reason, locally and in CI: never a skip that looks like a pass.
const missing = OLD_SERVER_MISSING;
if (missing) {
  it("needs Debian's clickhouse-server 18.16", () => {
    throw new Error(missing);
  });
} else
  describe("Debian's clickhouse-server 18.16", () => {
    let server: OldServer;
    beforeAll(async () => {
      server = await startOldServer(PASSWORD);
    });
    afterAll(() => server?.stop());

    const env = () => ({
      AGENT_CONVERSATION_PERSISTENCE: 'true',
      AGENT_CONVERSATION_STORE: 'clickhouse',
      CLICKHOUSE_HOST: `127.0.0.1:${server.port},127.0.0.2:8123`,
      CLICKHOUSE_USER: 'app',
      CLICKHOUSE_PASSWORD: PASSWORD,
      CLICKHOUSE_DATABASE: 'default',
      CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE: 'true',
    });

    it('is refused with a clear minimum-version error, reached through the env config (two hosts)', async () => {
      const explanation = explainStoreResolution({
        env: env(),
        adapters: [clickhouseAdapter],
        logger: { warn: () => undefined },
      });
      expect(explanation.decision).toBe('clickhouse');
      expect(formatExplanation(explanation)).toContain(
        `127.0.0.1:${server.port} and 1 more host of CLICKHOUSE_HOST (failover)`,
      );
      const store = await createStoreResolver([clickhouseAdapter]).resolve({
        env: env(),
        logger: { warn: () => undefined },
      });
      expect(store.kind).toBe('clickhouse');
      const error = await failure(store.upsert({ id: 'c', userId: 'u', messages: [] }));
      expect(error.code).toBe('CONFIG');
      expect(error.message).toContain('ClickHouse server 18.16.1 is too old');
      expect(error.message).toContain('needs ClickHouse 23.8 or newer');
      expect(text(error)).not.toContain(PASSWORD);
      await store.close();
    });

    it('a wrong password is UNAUTHORIZED and the password never shows', async () => {
      const wrong = 'wrong-pw-4451-hidden';
      const store = createClickHouseStore({ url: server.url, username: 'app', password: wrong });
      const error = await failure(store.get('u', 'c'));
      expect(error).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
      expect(error.message).toContain('CLICKHOUSE_PASSWORD');
      expect(text(error)).not.toContain(wrong);
      await store.close();
    });
  });
