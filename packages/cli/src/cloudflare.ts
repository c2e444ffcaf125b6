import { basename } from 'node:path';
import { ConversationStoreError } from '@agent-conversations/core';

/** A wrangler config file name: such a file given as an env file means "the Worker's env and bindings". */
export function isWranglerConfig(path: string): boolean {
  return /^wrangler(\.[\w-]+)?\.(json|jsonc|toml)$/.test(basename(path));
}

/** Where the platform proxy keeps local data and which wrangler environment it reads. */
export interface WranglerOptions {
  /** Local state directory (default wrangler's `.wrangler/state/v3` beside the config, shared with `wrangler dev`). */
  persistTo?: string;
  /** A wrangler `[env.NAME]` section. */
  environment?: string;
}

/** The Worker env (variables and bindings) from wrangler's getPlatformProxy; `dispose` stops the local runtime. */
export interface WorkerEnv {
  env: Record<string, unknown>;
  dispose(): Promise<void>;
}

/**
 * Opens a wrangler config's bindings from Node with wrangler's `getPlatformProxy`: local D1 and Durable Objects
 * (the same data `wrangler dev` uses), or the deployed resources for bindings marked `"remote": true`.
 */
export async function openWorkerEnv(configPath: string, options: WranglerOptions = {}): Promise<WorkerEnv> {
  let wrangler: typeof import('wrangler');
  try {
    wrangler = await import('wrangler');
  } catch (error) {
    throw new ConversationStoreError(
      'CONFIG',
      `${configPath} is a wrangler config; reaching its bindings needs wrangler: npm install -D wrangler`,
      { cause: error },
    );
  }
  try {
    const proxy = await wrangler.getPlatformProxy<Record<string, unknown>>({
      configPath,
      environment: options.environment,
      persist: options.persistTo ? { path: options.persistTo } : true,
    });
    return { env: proxy.env, dispose: () => proxy.dispose() };
  } catch (error) {
    throw new ConversationStoreError(
      'CONFIG',
      `wrangler could not start the bindings of ${configPath}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
