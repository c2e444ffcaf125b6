import { parseArgs } from 'node:util';
import { isConversationStoreError, redact } from '@agent-conversations/core';
import { commandDoctor, commandExport, commandMigrate, type Values } from './commands.js';
import { commandCopy, commandImport } from './transfer-commands.js';
import { UsageError } from './usage-error.js';
import { CLI_VERSION } from './version.js';

export const USAGE = `Usage: agent-conversations <command> [options]

  doctor   [--env-file F] [--json]         how the app resolves its store, and a real check of that backend
  migrate  [--env-file F] [--dry-run]      apply (or print) the schema migrations of the configured store
  export   [--env-file F] (--user ID... | --all) [--out FILE]
                                           JSON Lines: a header, then one conversation per line
  import   FILE [--env-file F] [--strict] [--user ID...]
                                           create-only; bad lines are reported with their line number
  copy     --from-env A --to-env B (--user ID... | --all) [--state FILE] [--restart]
                                           resumable, create-only copy between two backends

Options:
  --env-file F       variables on top of the environment; a wrangler config (wrangler.jsonc, .json, .toml)
                     instead means the Worker's env and D1 / Durable Object bindings via wrangler's getPlatformProxy
  --persist-to DIR   local state of wrangler bindings (default .wrangler/state/v3, the one wrangler dev uses)
  --wrangler-env N   a wrangler [env.N] section
  --adapter M        import a third-party store adapter first (a package name or a file, repeatable): a module that
                     registers itself (its "/register" entry) or exports the adapter
  --production       resolve as a production app (a Worker app passes production: true; wrangler configs default to it)
  --allow-memory     let export, import or copy use a store that keeps nothing after the process exits (memory)
  --strict           import: check the whole file first and write nothing when any line is bad
  --user ID          export/copy: these users; import: only these users' lines (other users' lines are skipped)
  --version, --help

Exit codes: 0 done (everything written or already equal), 3 something was left as it is (conflicts, never
overwritten), 1 failure (bad lines, failed writes, a failed check, an error), 2 bad usage.`;

const WRANGLER = ['persist-to', 'wrangler-env', 'production', 'adapter'] as const;
const OPTIONS = {
  'env-file': { type: 'string' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  user: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  out: { type: 'string' },
  'from-env': { type: 'string' },
  'to-env': { type: 'string' },
  state: { type: 'string' },
  restart: { type: 'boolean' },
  strict: { type: 'boolean' },
  'allow-memory': { type: 'boolean' },
  'persist-to': { type: 'string' },
  'wrangler-env': { type: 'string' },
  production: { type: 'boolean' },
  adapter: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The options each command takes; any other is a usage error. */
const ACCEPTS: Record<string, readonly string[]> = {
  doctor: ['env-file', 'json', ...WRANGLER],
  migrate: ['env-file', 'dry-run', ...WRANGLER],
  export: ['env-file', 'user', 'all', 'out', 'allow-memory', ...WRANGLER],
  import: ['env-file', 'user', 'strict', 'allow-memory', ...WRANGLER],
  copy: ['from-env', 'to-env', 'user', 'all', 'state', 'restart', 'allow-memory', ...WRANGLER],
};

function parse(argv: string[]): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown option ${/'([^']+)'/.exec(message)?.[1] ?? message}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(message.replace(/\.$/, ''));
    throw error;
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.version) {
    console.log(CLI_VERSION);
    return 0;
  }
  if (!command || values.help) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const accepted = ACCEPTS[command];
  if (!accepted) throw new UsageError(`unknown command "${command}"`);
  const wrong = Object.keys(values).filter((key) => !accepted.includes(key));
  if (wrong.length)
    throw new UsageError(
      `${wrong.map((k) => `--${k}`).join(', ')} ${wrong.length === 1 ? 'is not an option' : 'are not options'} of ${command}`,
    );
  if (command !== 'import' && rest.length) throw new UsageError(`${command} takes no argument "${rest[0]}"`);
  if (command === 'import' && rest.length !== 1) throw new UsageError('import takes one FILE (the export to read)');
  switch (command) {
    case 'doctor':
      return commandDoctor(values);
    case 'migrate':
      return commandMigrate(values);
    case 'export':
      return commandExport(values);
    case 'import':
      return commandImport(rest[0]!, values);
    default:
      return commandCopy(values);
  }
}

/** Runs the CLI with the given arguments and returns the exit code; user errors are one clean line, never a stack. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(
        `agent-conversations: ${error.message}\nRun agent-conversations --help for the commands and options.`,
      );
      return 2;
    }
    if (isConversationStoreError(error)) {
      console.error(`${error.code}: ${error.message}`);
      return 1;
    }
    const { message, stack } = error as Error;
    const detail = process.env.AGENT_CONVERSATIONS_DEBUG ? `\n${redact(stack ?? '')}` : '';
    console.error(`error: ${redact(message ?? String(error))}${detail}`);
    return 1;
  }
}
