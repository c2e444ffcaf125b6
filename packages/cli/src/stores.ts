import {
  ConversationStoreError,
  explainStoreResolution,
  getRegisteredAdapters,
  isConversationStoreError,
  registerStoreAdapter,
  resolveConversationStore,
  type ConversationStore,
  type EnvRecord,
  type ResolveOptions,
  type StoreAdapter,
  type StoreExplanation,
} from '@agent-conversations/core';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isWranglerConfig, openWorkerEnv, type WranglerOptions } from './cloudflare.js';
import { readEnvFile } from './env-file.js';
import { backendVariablesSet, typoHint } from './env-hints.js';

/** Store packages the CLI registers when they are installed next to it. */
export const SERVER_STORE_PACKAGES = [
  '@agent-conversations/store-agentstate',
  '@agent-conversations/store-cloudflare',
  '@agent-conversations/store-postgres',
  '@agent-conversations/store-clickhouse',
] as const;

/** The adapters a module exports (any export shaped { kind, packageName, create }). */
function exportedAdapters(module: Record<string, unknown>): StoreAdapter[] {
  const isAdapter = (value: unknown): value is StoreAdapter =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StoreAdapter).kind === 'string' &&
    typeof (value as StoreAdapter).create === 'function';
  return [...new Set(Object.values(module).filter(isAdapter))];
}

/** Imports a third-party adapter module given by --adapter (a file relative to the working directory, or a package name) and registers what it exports. */
export async function registerAdapterModule(specifier: string): Promise<string> {
  const isFile = /^\.{0,2}[/\\]/.test(specifier) || isAbsolute(specifier) || /\.[cm]?js$/.test(specifier);
  const url = isFile ? pathToFileURL(resolvePath(specifier)).href : specifier;
  const before = getRegisteredAdapters().length;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ConversationStoreError(
      'CONFIG',
      `--adapter ${specifier}: the module was not found (${isFile ? 'no such file' : 'npm install it next to the CLI'})`,
    );
  }
  const adapters = exportedAdapters(module);
  for (const adapter of adapters) registerStoreAdapter(adapter);
  if (adapters.length === 0 && getRegisteredAdapters().length === before) {
    throw new ConversationStoreError(
      'CONFIG',
      `--adapter ${specifier} neither registered a store adapter nor exports one`,
    );
  }
  return specifier;
}

/** Imports `<package>/register` for every installed store package, then each `--adapter` module; returns which were found. */
export async function registerInstalledStores(
  adapterModules: readonly string[] = [],
): Promise<{ registered: string[]; missing: string[] }> {
  const registered: string[] = [];
  const missing: string[] = [];
  for (const name of SERVER_STORE_PACKAGES) {
    try {
      await import(`${name}/register`);
      registered.push(name);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(name)) throw error;
      missing.push(name);
    }
  }
  for (const specifier of adapterModules) registered.push(await registerAdapterModule(specifier));
  return { registered, missing };
}

/** What one side of a command resolves from: the variables, the Worker bindings when there are any, and how to release them. */
export interface StoreSide {
  /** Where it came from, for messages: the env file, the wrangler config or "the environment". */
  source: string;
  env: EnvRecord;
  /** The Worker env of a wrangler config (bindings); absent for plain env files. */
  bindings?: Record<string, unknown>;
  /** `production: true` as a Worker app passes it; undefined means NODE_ENV decides. */
  production?: boolean;
  dispose(): Promise<void>;
}

/** How `loadSide` reads a side. */
export interface SideOptions extends WranglerOptions {
  /** The variables under the file (process.env for most commands, only NODE_ENV for copy). */
  base: EnvRecord;
  /** Forces production (as a Worker app passes `production: true`); wrangler sides default to it. */
  production?: boolean;
}

/**
 * Reads a side: no file is the environment itself; an env file goes on top of `base`; a wrangler config
 * (wrangler.json/.jsonc/.toml) is the Worker's env and bindings through wrangler's getPlatformProxy.
 */
export async function loadSide(file: string | undefined, options: SideOptions): Promise<StoreSide> {
  const none = async (): Promise<void> => undefined;
  if (file === undefined)
    return { source: 'the environment', env: options.base, production: options.production || undefined, dispose: none };
  if (!isWranglerConfig(file))
    return {
      source: file,
      env: { ...options.base, ...(await readEnvFile(file)) },
      production: options.production || undefined,
      dispose: none,
    };
  const worker = await openWorkerEnv(file, options);
  return {
    source: file,
    env: worker.env,
    bindings: worker.env,
    production: options.production ?? true,
    dispose: worker.dispose,
  };
}

/** The resolver options of a side: exactly what a server app passes (`authenticated: true`, the registered adapters). */
export function resolveOptions(
  side: StoreSide,
  warn: (message: string) => void = (m) => console.error(m),
): ResolveOptions {
  return {
    env: side.env,
    bindings: side.bindings,
    production: side.production,
    authenticated: true,
    adapters: getRegisteredAdapters(),
    logger: { warn },
  };
}

/** Why a side that resolves to the browser has no server store, with the backend variables it ignores and probable typos. */
function localMessage(side: StoreSide, explanation: StoreExplanation): string {
  const ignored = backendVariablesSet(side.env);
  const note = ignored.length ? ` ${ignored.join(', ')} ${ignored.length === 1 ? 'is' : 'are'} set but not used.` : '';
  return `${side.source} keeps history in the browser (${explanation.reason}); set AGENT_CONVERSATION_PERSISTENCE=true and a server store.${note}${typoHint(side.env)}`;
}

/**
 * Resolves the store of a side as the app would. A store that keeps nothing after this process exits (memory)
 * is refused unless `allowMemory`: a mistyped variable would otherwise "succeed" and lose everything.
 */
export async function openStore(
  side: StoreSide,
  options: { allowMemory?: boolean; role?: string } = {},
): Promise<{ explanation: StoreExplanation; store: ConversationStore }> {
  const role = options.role ?? 'the store';
  const resolve = resolveOptions(side);
  const explanation = explainStoreResolution({ ...resolve, logger: { warn: () => undefined } });
  if (explanation.decision === 'local')
    throw new ConversationStoreError('CONFIG', `${role}: ${localMessage(side, explanation)}`);
  let store: ConversationStore;
  try {
    store = await resolveConversationStore(resolve);
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    throw new ConversationStoreError('CONFIG', `${role} (${side.source}): ${error.message}${typoHint(side.env)}`);
  }
  if (!store.persistent && !options.allowMemory) {
    await store.close();
    const set = backendVariablesSet(side.env);
    const note = set.length ? ` ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set but not used.` : '';
    throw new ConversationStoreError(
      'CONFIG',
      `${role} (${side.source}) resolves to ${store.kind} (${explanation.reason}): nothing written there survives this process.${note}${typoHint(side.env)} Configure a persistent store, or pass --allow-memory if that is really what you want.`,
    );
  }
  return { explanation, store };
}
