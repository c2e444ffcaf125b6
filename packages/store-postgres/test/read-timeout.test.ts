// The read-timeout watchdog on its own: which connections it destroys, and when.
import type { PoolClient } from 'pg';
import { describe, expect, it } from 'vitest';
import { createReadTimeout } from '../src/read-timeout.js';

/** A stand-in for a pooled connection: only the socket the watchdog destroys, which records why and when. */
const connection = () => {
  const destroyed: Error[] = [];
  const at: number[] = [];
  const client = {
    connection: { stream: { destroy: (error: Error) => destroyed.push(error) && at.push(Date.now()) } },
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
    expect(stuck.destroyed[0]!.message).toBe('Query read timeout after 200 ms');
    expect(stuck.at[0]! - started).toBeGreaterThanOrEqual(200);
    expect(quick.destroyed).toHaveLength(0);
  });

  it('leaves statements that settle in time alone, however many run one after another on a connection', async () => {
    const readTimeout = createReadTimeout(100);
    const { client, destroyed } = connection();
    for (let i = 0; i < 5; i++) {
      readTimeout.start(client);
      await sleep(30);
      readTimeout.stop(client);
    }
    await sleep(150); // past the limit of every statement above
    expect(destroyed).toHaveLength(0);
  });
});
