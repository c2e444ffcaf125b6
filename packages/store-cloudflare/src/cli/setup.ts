import { parseArgs } from 'node:util';
import {
  BINDING,
  databaseIdFromEnv,
  isVersionedStorePath,
  migrationsDirOf,
  openConfig,
  shown,
  writeIfChanged,
} from './config-file.js';
import { isUuid } from './d1-entry.js';
import { CliError, runWrangler, type CliIo } from './io.js';

/** Usage of `setup`. */
export const SETUP_USAGE = `setup [--config <wrangler config>] [--name <database name>] [--migrations-dir <dir>]
  Creates the D1 database (wrangler d1 create), writes its id into the wrangler config and adds the
  ${BINDING} binding. Running it again changes nothing. With CONVERSATIONS_D1_DATABASE_ID (or
  AGENT_CONVERSATIONS_D1_DATABASE_ID) set, that database is used and none is created.`;

/** The database name setup picks: `<worker name>-conversations`, else `agent-conversations`. */
export function defaultName(workerName: string | undefined): string {
  const base = (workerName ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return base ? `${base}-conversations` : 'agent-conversations';
}

/** The id `wrangler d1 create` printed (in its config snippet, JSON or TOML). */
export function parseCreatedId(output: string): string | undefined {
  const snippet = /database_id["']?\s*[:=]\s*["']([0-9a-f-]{36})["']/i.exec(output)?.[1];
  const id = snippet ?? /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i.exec(output)?.[0];
  return id && isUuid(id) ? id : undefined;
}

async function createDatabase(io: CliIo, name: string, configPath: string): Promise<string> {
  io.stdout.write(`Creating D1 database "${name}" (wrangler d1 create)...\n`);
  const result = await runWrangler(['d1', 'create', name, '--no-update-config', '--config', configPath], io);
  if (result.code !== 0) {
    throw new CliError(
      `wrangler d1 create failed (exit ${result.code}). If the database already exists, set CONVERSATIONS_D1_DATABASE_ID to its id (wrangler d1 info ${name}) and run setup again`,
    );
  }
  const id = parseCreatedId(result.output);
  if (!id)
    throw new CliError(
      'wrangler d1 create succeeded but printed no database id; set CONVERSATIONS_D1_DATABASE_ID to the id (wrangler d1 info) and run setup again',
    );
  return id;
}

/** `setup`: create (or reuse) the database and write the binding into the wrangler config, idempotently. */
export async function setup(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, name: { type: 'string' }, 'migrations-dir': { type: 'string' } },
    strict: true,
  });
  const config = openConfig(io, values.config);
  const envId = databaseIdFromEnv(io.env);
  const found = config.editor.find(config.text, BINDING);
  const name = found?.databaseName ?? values.name ?? defaultName(config.editor.workerName(config.text));
  const existingId = found?.databaseId && isUuid(found.databaseId) ? found.databaseId : undefined;
  const id = envId ?? existingId ?? (await createDatabase(io, name, config.path));
  const text = config.editor.ensure(config.text, {
    binding: BINDING,
    database_name: name,
    database_id: id,
    migrations_dir: migrationsDirOf(found, config.path, values['migrations-dir']),
  });
  const file = shown(io, config.path);
  if (found?.migrationsDir && isVersionedStorePath(found.migrationsDir)) {
    io.stdout.write(
      `migrations_dir pointed into pnpm's versioned store (${found.migrationsDir}), which breaks on every upgrade; replacing it.\n`,
    );
  }
  const source = envId ? ' (from CONVERSATIONS_D1_DATABASE_ID)' : existingId ? ' (already configured)' : '';
  io.stdout.write(
    writeIfChanged(config.path, text)
      ? `Wrote the ${BINDING} binding to ${file}: database "${name}", id ${id}${source}.\n`
      : `${file} already has the ${BINDING} binding for database ${id}; nothing to change.\n`,
  );
  io.stdout.write('Next: agent-conversations-cloudflare migrate --remote (and --local for wrangler dev).\n');
  return 0;
}
