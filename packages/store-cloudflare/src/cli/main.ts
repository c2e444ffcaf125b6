import { run } from './run.js';

// The `agent-conversations-cloudflare` bin: setup, migrate, deploy-config.
process.exitCode = await run(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
