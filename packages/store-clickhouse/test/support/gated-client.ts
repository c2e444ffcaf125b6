import type { IoGate } from '@agent-conversations/conformance';
import type { ClickHouseClient } from '@clickhouse/client';

const METHODS = new Set(['query', 'command', 'insert', 'exec']);
const label = (method: string, params: { query?: unknown; table?: unknown } | undefined): string =>
  `${method} ${typeof params?.query === 'string' ? params.query.trim().split(/\s+/).slice(0, 4).join(' ') : String(params?.table ?? '')}`;

/**
 * The I/O hook of the model-based checks, through what the store already accepts (`{ client }`): the app's
 * ClickHouse client, whose query, command, insert and exec first await `gate`, so each request is a scheduling point.
 */
export function gatedClient(client: ClickHouseClient, gate: IoGate): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !METHODS.has(prop) || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(target) : value;
      return async (params: { query?: unknown; table?: unknown }) => {
        await gate(label(prop, params));
        return (value as (p: unknown) => Promise<unknown>).call(target, params);
      };
    },
  });
}
