// The read-timeout watchdog on its own: which connections it destroys, and when.
import type { PoolClient } from 'pg';
import { describe, expect, it } from 'vitest';
import { createReadTimeout } from '../src/read-timeout.js';

/** A stand-in for a pooled connection: only the socket the watchdog destroys, which records why. */
const connection = () => {
  const destroyed: Error[] = [];
  const at: number[] = [];
  const client = { connection: { stream: { destroy: (error: Error) => destroyed.push(error) && at.push(Date.now()) } } } as unknown as PoolClient;
  return { client, destroyed, at };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('read timeout', () => {
  it('destroys the socket of a statement still pending at the limit, not before, and only that one', async () => {
    const withReadTimeout = createReadTimeout(200);
    const stuck = connection();
    const quick = connection();
    const started = Date.now();
    const hung = withReadTimeout(stuck.client, () => sleep(400));
    await withReadTimeout(quick.client, () => sleep(20));
    await hung;
    expect(stuck.destroyed).toHaveLength(1);
    expect(stuck.destroyed[0]!.message).toBe('Query read timeout after 200 ms');
    expect(quick.destroyed).toHaveLength(0);
    expect(stuck.at[0]! - started).toBeGreaterThanOrEqual(200); // not before the limit; by 400 ms, as the statement was still pending
  });

  it('leaves a statement that settles in time alone, passes its result and error through', async () => {
    const withReadTimeout = createReadTimeout(100);
    const { client, destroyed } = connection();
    for (let i = 0; i < 5; i++) expect(await withReadTimeout(client, () => sleep(30).then(() => i))).toBe(i);
    await expect(withReadTimeout(client, () => Promise.reject(new Error('relation does not exist')))).rejects.toThrow('relation does not exist');
    await sleep(150); // past the limit of every statement above
    expect(destroyed).toHaveLength(0);
  });
});
