import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUuid, type ConfigEditor, type FoundEntry } from './d1-entry.js';
import { CliError, type CliIo } from './io.js';
import { jsoncEditor } from './jsonc-editor.js';
import { tomlEditor } from './toml-editor.js';

/** The binding name the resolver looks for. */
export const BINDING = 'CONVERSATIONS_D1';
const CANDIDATES = ['wrangler.json', 'wrangler.jsonc', 'wrangler.toml'];

/** An app's wrangler config file and the editor for its format. */
export interface ConfigFile {
  path: string;
  editor: ConfigEditor;
  text: string;
}

/** Opens `--config` or the first of wrangler.json, wrangler.jsonc, wrangler.toml in the working directory (wrangler's order). */
export function openConfig(io: CliIo, given: string | undefined): ConfigFile {
  const path = given ? resolve(io.cwd, given) : CANDIDATES.map((name) => join(io.cwd, name)).find((p) => existsSync(p));
  if (!path)
    throw new CliError(`no wrangler config in ${io.cwd} (looked for ${CANDIDATES.join(', ')}); pass --config <path>`);
  if (!existsSync(path)) throw new CliError(`${path} does not exist`);
  const editor = extname(path) === '.toml' ? tomlEditor : jsoncEditor;
  return { path, editor, text: readFileSync(path, 'utf8') };
}

/** Writes `text` when it differs from what is there; returns whether it did. */
export function writeIfChanged(path: string, text: string): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return true;
}

/** The config file name as the user wrote or wrangler found it, for messages. */
export function shown(io: CliIo, path: string): string {
  const rel = relative(io.cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Where the deploy helper writes by default: beside the config, e.g. wrangler.jsonc -> wrangler.deploy.jsonc. */
export function deployPath(path: string): string {
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}.deploy${ext}`);
}

const PACKAGE_PATH = ['@agent-conversations', 'store-cloudflare'];

/** The migrations folder shipped in this package, at its real path (dist/cli.js and src/cli/*.ts both find it). */
export function packageMigrationsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const found = [join(here, '..', 'migrations'), join(here, '..', '..', 'migrations')].find((dir) =>
    existsSync(join(dir, '0001_init.sql')),
  );
  if (!found)
    throw new CliError(
      'cannot find the migrations folder of @agent-conversations/store-cloudflare; reinstall the package',
    );
  return found;
}

/** `node_modules/@agent-conversations/store-cloudflare/migrations` in `from` or the nearest parent that has it, as Node resolves the package (through pnpm's symlink, not its target). */
export function installedMigrationsDir(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', ...PACKAGE_PATH, 'migrations');
    if (existsSync(join(candidate, '0001_init.sql'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A path inside pnpm's versioned store (`node_modules/.pnpm/<name>@<version>.../`): it changes, and breaks, on every upgrade. */
export function isVersionedStorePath(path: string): boolean {
  return /(^|[\\/])\.pnpm[\\/]/.test(path);
}

/**
 * `migrations_dir` for the config, relative to its directory with forward slashes: the package as the app's
 * node_modules has it (stable across upgrades and package managers), else this package's own folder when it is
 * not inside a node_modules (a workspace checkout); never a path into a package manager's store or npx's cache.
 */
export function migrationsDirFor(configPath: string, override: string | undefined): string {
  if (override) return override;
  const installed = installedMigrationsDir(dirname(configPath));
  const dir = installed ?? packageMigrationsDir();
  if (!installed && dir.split(sep).includes('node_modules')) {
    throw new CliError(
      `no node_modules/${PACKAGE_PATH.join('/')} above ${dirname(configPath)}: install the package in the app (npm install ${PACKAGE_PATH.join('/')}) so migrations_dir can point at it, or pass --migrations-dir <dir>`,
    );
  }
  return relative(dirname(configPath), dir).split(sep).join('/');
}

/** The entry's migrations_dir, kept unless it points into pnpm's versioned store: then the stable path replaces it. */
export function migrationsDirOf(
  found: FoundEntry | undefined,
  configPath: string,
  override: string | undefined,
): string {
  const current = found?.migrationsDir;
  return current !== undefined && !isVersionedStorePath(current) ? current : migrationsDirFor(configPath, override);
}

/** The database id from CONVERSATIONS_D1_DATABASE_ID or its alias AGENT_CONVERSATIONS_D1_DATABASE_ID; checked to be a UUID. */
export function databaseIdFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const primary = env.CONVERSATIONS_D1_DATABASE_ID?.trim() || undefined;
  const alias = env.AGENT_CONVERSATIONS_D1_DATABASE_ID?.trim() || undefined;
  for (const [name, value] of [
    ['CONVERSATIONS_D1_DATABASE_ID', primary],
    ['AGENT_CONVERSATIONS_D1_DATABASE_ID', alias],
  ] as const) {
    if (value !== undefined && !isUuid(value))
      throw new CliError(
        `${name} must be a D1 database id, a UUID such as 01234567-89ab-cdef-0123-456789abcdef (it is ${value.length} characters that are not one)`,
      );
  }
  if (primary && alias && primary.toLowerCase() !== alias.toLowerCase()) {
    throw new CliError(
      'CONVERSATIONS_D1_DATABASE_ID and its alias AGENT_CONVERSATIONS_D1_DATABASE_ID hold different ids; keep one',
    );
  }
  return primary ?? alias;
}
