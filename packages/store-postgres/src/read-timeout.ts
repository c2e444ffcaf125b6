import type { PoolClient } from 'pg';

/** The read timeout of a connection's statements: `start` when a statement is sent, `stop` when it has settled, whatever way. */
export interface ReadTimeout {
  start(client: PoolClient): void;
  stop(client: PoolClient): void;
  /** The error a statement on this client settled with: "Query read timeout" (the cause kept) when the watchdog ended it. */
  failure(client: PoolClient, error: Error): Error;
}

/**
 * Client-side read timeouts for every statement of a store with one timer, instead of one per statement (setting and
 * clearing a timer cost an append ~20 µs). A statement still pending `timeoutMs` after its start has its connection
 * ended with pg's public `client.end()` (which destroys the socket of a client with an active query), within a tenth of
 * the limit (at most 1 s) after it: the statement fails with "Query read timeout" (isConnectionLost knows it, and pg
 * never reuses an ended client). The timer runs only while statements are pending and
 * never keeps the process alive. Not pg's query_timeout: it keeps every finished query, its rows and what was built from
 * them reachable for the young-generation garbage collector, and a 1,000-message get then spent longer collecting garbage
 * than parsing.
 */
export function createReadTimeout(timeoutMs: number): ReadTimeout {
  const deadlines = new Map<PoolClient, number>();
  const expired = new WeakSet<PoolClient>();
  let timer: ReturnType<typeof setInterval> | undefined;
  const sweep = (): void => {
    const now = Date.now();
    for (const [client, deadline] of deadlines) {
      if (now < deadline) continue;
      deadlines.delete(client);
      expired.add(client);
      void client.end(); // resolves once the socket has closed; it never rejects
    }
    if (deadlines.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const period = Math.min(1_000, Math.max(10, Math.ceil(timeoutMs / 10)));
  return {
    start(client) {
      deadlines.set(client, Date.now() + timeoutMs);
      if (!timer) {
        timer = setInterval(sweep, period);
        timer.unref?.();
      }
    },
    stop(client) {
      deadlines.delete(client);
    },
    failure(client, error) {
      return expired.has(client) ? new Error(`Query read timeout after ${timeoutMs} ms`, { cause: error }) : error;
    },
  };
}
