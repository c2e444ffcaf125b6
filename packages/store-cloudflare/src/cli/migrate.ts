import { parseArgs } from 'node:util';
import { BINDING, isVersionedStorePath, openConfig, shown } from './config-file.js';
import { CliError, runWrangler, type CliIo } from './io.js';

/** Usage of `migrate`. */
export const MIGRATE_USAGE = `migrate (--local | --remote) [--config <wrangler config>] [--env <name>] [--persist-to <dir>]
  Applies the conversation schema to the ${BINDING} database with wrangler d1 migrations apply.`;

/** `migrate`: apply the package's migrations through wrangler, locally or remotely. */
export async function migrate(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      local: { type: 'boolean' },
      remote: { type: 'boolean' },
      config: { type: 'string' },
      env: { type: 'string' },
      'persist-to': { type: 'string' },
    },
    strict: true,
  });
  if (values.local === values.remote)
    throw new CliError('pass exactly one of --local (the wrangler dev database) or --remote (the deployed database)');
  const config = openConfig(io, values.config);
  const found = config.editor.find(config.text, BINDING);
  if (!found)
    throw new CliError(
      `${shown(io, config.path)} has no ${BINDING} binding; run agent-conversations-cloudflare setup first`,
    );
  if (!found.migrationsDir) {
    throw new CliError(
      `the ${BINDING} entry in ${shown(io, config.path)} has no migrations_dir; run agent-conversations-cloudflare setup to add it`,
    );
  }
  if (isVersionedStorePath(found.migrationsDir)) {
    io.stderr.write(
      `warning: migrations_dir points into pnpm's versioned store (${found.migrationsDir}) and breaks on the next upgrade; run agent-conversations-cloudflare setup to repair it\n`,
    );
  }
  const args = ['d1', 'migrations', 'apply', BINDING, values.local ? '--local' : '--remote', '--config', config.path];
  if (values.env) args.push('--env', values.env);
  if (values['persist-to']) args.push('--persist-to', values['persist-to']);
  const result = await runWrangler(args, io);
  if (result.code !== 0) io.stderr.write(`error: wrangler d1 migrations apply failed (exit ${result.code})\n`);
  return result.code;
}
