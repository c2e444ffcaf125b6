import { ConversationStoreError } from './errors.js';
import { createMemoryStore } from './memory-store.js';
import type { StoreAdapter, StoreKind } from './types.js';

/** The npm package that provides each backend. */
export const STORE_PACKAGES: Readonly<Record<StoreKind, string>> = {
  agentstate: '@agent-conversations/store-agentstate',
  d1: '@agent-conversations/store-cloudflare',
  'durable-object': '@agent-conversations/store-cloudflare',
  postgres: '@agent-conversations/store-postgres',
  clickhouse: '@agent-conversations/store-clickhouse',
  memory: '@agent-conversations/core',
  local: '@agent-conversations/store-browser',
};

/** The built-in memory adapter; always available to the resolver, refused in production. */
export const memoryAdapter: StoreAdapter<'memory'> = {
  kind: 'memory',
  packageName: '@agent-conversations/core',
  create: () => createMemoryStore(),
};

const KEY = Symbol.for('@agent-conversations/core/registry');
type Holder = { [KEY]?: Map<StoreKind, StoreAdapter> };

// One registry per realm, shared by the ESM and CJS copies of this package.
function registry(): Map<StoreKind, StoreAdapter> {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Map());
}

/** Registers an adapter globally (what each package's `./register` entry calls); a later one for the same kind replaces it. */
export function registerStoreAdapter(adapter: StoreAdapter): void {
  if (!adapter || typeof adapter.create !== 'function' || !(adapter.kind in STORE_PACKAGES)) {
    throw new ConversationStoreError('CONFIG', 'registerStoreAdapter takes a store adapter ({ kind, packageName, create })');
  }
  registry().set(adapter.kind, adapter);
}

/** Removes a globally registered adapter (tests); returns whether one was there. */
export function unregisterStoreAdapter(kind: StoreKind): boolean {
  return registry().delete(kind);
}

/** The globally registered adapters. */
export function getRegisteredAdapters(): StoreAdapter[] {
  return [...registry().values()];
}
