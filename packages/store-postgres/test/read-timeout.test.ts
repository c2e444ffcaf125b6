// The read-timeout watchdog on its own: which connections it destroys, and when.
import type { PoolClient } from 'pg';
import { describe, expect, it } from 'vitest';
import { createReadTimeout } from '../src/read-timeout.js';

/** A stand-in for a pooled connection: only pg's public `end()`, which the watchdog calls and which records when. */
const connection = () => {
  const destroyed: number[] = [];
  const at: number[] = [];
  const client = {
    end: () => {
      destroyed.push(1);
      at.push(Date.now());
      return Promise.resolve();
    },
  } as unknown as PoolClient;
  return { client, destroyed, at };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('read timeout', () => {
  it('destroys the socket of a statement still pending at the limit, not before, and only that one', async () => {
    const readTimeout = createReadTimeout(200);
    const stuck = connection();
    const quick = connection();
    const started = Date.now();
    readTimeout.start(stuck.client);
    readTimeout.start(quick.client);
    await sleep(20);
    readTimeout.stop(quick.client);
    await sleep(380);
    readTimeout.stop(stuck.client);
    expect(stuck.destroyed).toHaveLength(1);
    const ended = new Error('Connection terminated');
    const failure = readTimeout.failure(stuck.client, ended);
    expect(failure.message).toBe('Query read timeout after 200 ms');
    expect(failure.cause).toBe(ended);
    expect(readTimeout.failure(quick.client, ended)).toBe(ended);
    expect(stuck.at[0]! - started).toBeGreaterThanOrEqual(200);
    expect(quick.destroyed).toHaveLength(0);
  });

  it('leaves statements that settle in time alone, however many run one after another on a connection', async () => {
    const readTimeout = createReadTimeout(1_000);
    const { client, destroyed } = connection();
    for (let i = 0; i < 5; i++) {
      readTimeout.start(client);
      await sleep(30);
      readTimeout.stop(client);
    }
    await sleep(1_200); // past the limit of every statement above (a limit far above the sleeps, so load cannot matter)
    expect(destroyed).toHaveLength(0);
  });
});
