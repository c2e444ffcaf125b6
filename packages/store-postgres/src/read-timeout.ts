import type { PoolClient } from 'pg';

/** A connection's socket (pg's internal `connection.stream`, which pg itself destroys on its own pipeline timeouts). */
const socketOf = (client: PoolClient): { destroy(error: Error): void } =>
  (client as unknown as { connection: { stream: { destroy(error: Error): void } } }).connection.stream;

/** The read timeout of a connection's statements: `start` when a statement is sent, `stop` when it has settled, whatever way. */
export interface ReadTimeout {
  start(client: PoolClient): void;
  stop(client: PoolClient): void;
}

/**
 * Client-side read timeouts for every statement of a store with one timer, instead of one per statement (setting and
 * clearing a timer cost an append ~20 µs). A statement still pending `timeoutMs` after its start has its connection's
 * socket destroyed, within a tenth of the limit (at most 1 s) after it: the statement fails with "Query read timeout"
 * (isConnectionLost knows it, so withClient drops the connection). The timer runs only while statements are pending and
 * never keeps the process alive. Not pg's query_timeout: it keeps every finished query, its rows and what was built from
 * them reachable for the young-generation garbage collector, and a 1,000-message get then spent longer collecting garbage
 * than parsing.
 */
export function createReadTimeout(timeoutMs: number): ReadTimeout {
  const deadlines = new Map<PoolClient, number>();
  let timer: ReturnType<typeof setInterval> | undefined;
  const sweep = (): void => {
    const now = Date.now();
    for (const [client, deadline] of deadlines) {
      if (now < deadline) continue;
      deadlines.delete(client);
      socketOf(client).destroy(new Error(`Query read timeout after ${timeoutMs} ms`));
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
  };
}
