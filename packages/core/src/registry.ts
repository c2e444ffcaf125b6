import { ConversationStoreError } from './errors.js';
import { createMemoryStore } from './memory-store.js';
import type { BuiltInStoreKind, StoreAdapter, StoreKind } from './types.js';

/** The npm package that provides each built-in backend. */
export const STORE_PACKAGES: Readonly<Record<BuiltInStoreKind, string>> = {
  agentstate: '@agent-conversations/store-agentstate',
  d1: '@agent-conversations/store-cloudflare',
  'durable-object': '@agent-conversations/store-cloudflare',
  postgres: '@agent-conversations/store-postgres',
  clickhouse: '@agent-conversations/store-clickhouse',
  memory: '@agent-conversations/core',
  local: '@agent-conversations/store-browser',
};

/** Whether a kind is one of the spec's seven. */
export function isBuiltInKind(kind: string): kind is BuiltInStoreKind {
  return Object.hasOwn(STORE_PACKAGES, kind);
}

/** A kind is lowercase letters, digits and dashes, starting with a letter (it is written in `AGENT_CONVERSATION_STORE`). */
export const KIND_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

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

/** Throws CONFIG unless the value is a usable adapter: a kind name, a package name, `create`, and `detect` when the kind is not built in. */
export function assertStoreAdapter(adapter: StoreAdapter): void {
  const fail = (why: string): never => {
    throw new ConversationStoreError(
      'CONFIG',
      `registerStoreAdapter takes a store adapter ({ kind, packageName, create, detect? }): ${why}`,
    );
  };
  if (!adapter || typeof adapter !== 'object' || typeof adapter.create !== 'function')
    fail('create must be a function');
  if (typeof adapter.kind !== 'string' || !KIND_PATTERN.test(adapter.kind) || adapter.kind === 'auto') {
    fail(
      `kind must be lowercase letters, digits and dashes, starting with a letter, and not "auto" (got ${JSON.stringify(adapter.kind)})`,
    );
  }
  if (typeof adapter.packageName !== 'string' || adapter.packageName === '')
    fail(`${adapter.kind}: packageName must name the npm package that ships it`);
  if (!isBuiltInKind(adapter.kind) && typeof adapter.detect !== 'function')
    fail(`${adapter.kind} is not a built-in kind, so it must say how it detects its configuration (detect)`);
  const auto = adapter.auto;
  const placed =
    auto === undefined ||
    auto === 'first' ||
    auto === 'last' ||
    (typeof auto === 'object' &&
      auto !== null &&
      typeof ('before' in auto ? auto.before : 'after' in auto ? auto.after : undefined) === 'string');
  if (!placed) fail(`${adapter.kind}: auto must be 'first', 'last', { before: kind } or { after: kind }`);
}

/** Registers an adapter globally (what each package's `./register` entry calls); a later one for the same kind replaces it. */
export function registerStoreAdapter(adapter: StoreAdapter): void {
  assertStoreAdapter(adapter);
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
