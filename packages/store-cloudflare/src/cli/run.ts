import { deployConfig, DEPLOY_CONFIG_USAGE } from './deploy-config.js';
import { CliError, type CliIo } from './io.js';
import { migrate, MIGRATE_USAGE } from './migrate.js';
import { setup, SETUP_USAGE } from './setup.js';

/** The help text. */
export const USAGE = `agent-conversations-cloudflare <command>

${SETUP_USAGE}

${MIGRATE_USAGE}

${DEPLOY_CONFIG_USAGE}
`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  setup,
  migrate,
  'deploy-config': deployConfig,
};

function isUserError(error: unknown): error is Error {
  if (error instanceof CliError || error instanceof SyntaxError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** Runs one command; returns the exit code (1 with `error: ...` on stderr for anything the user can fix). */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`error: unknown command "${name}"\n\n${USAGE}`);
    return 1;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (!isUserError(error)) throw error;
    io.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
}
