import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import {
  BINDING,
  databaseIdFromEnv,
  deployPath,
  migrationsDirOf,
  openConfig,
  shown,
  writeIfChanged,
} from './config-file.js';
import type { CliIo } from './io.js';
import { defaultName } from './setup.js';

/** Usage of `deploy-config`. */
export const DEPLOY_CONFIG_USAGE = `deploy-config [--config <wrangler config>] [--out <file>]
  For CI: writes a copy of the wrangler config (default wrangler.deploy.<ext>) that includes the ${BINDING}
  binding when CONVERSATIONS_D1_DATABASE_ID (or its alias) is set, and leaves it out when it is not.
  Deploy with: wrangler deploy --config <file>`;

/** `deploy-config`: generate the config wrangler deploys, with or without the D1 binding. */
export async function deployConfig(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, out: { type: 'string' }, 'migrations-dir': { type: 'string' } },
    strict: true,
  });
  const config = openConfig(io, values.config);
  const id = databaseIdFromEnv(io.env);
  const out = values.out ? resolve(io.cwd, values.out) : deployPath(config.path);
  const found = config.editor.find(config.text, BINDING);
  const text = id
    ? config.editor.ensure(config.text, {
        binding: BINDING,
        database_name: found?.databaseName ?? defaultName(config.editor.workerName(config.text)),
        database_id: id,
        migrations_dir: migrationsDirOf(found, config.path, values['migrations-dir']),
      })
    : config.editor.remove(config.text, BINDING);
  writeIfChanged(out, text);
  io.stdout.write(
    id
      ? `${shown(io, out)}: includes the ${BINDING} binding (database ${id}).\n`
      : `${shown(io, out)}: CONVERSATIONS_D1_DATABASE_ID is not set, so the ${BINDING} binding is left out; in production the resolver then fails closed unless another backend is configured.\n`,
  );
  io.stdout.write(`Deploy with: wrangler deploy --config ${shown(io, out)}\n`);
  return 0;
}
