#!/usr/bin/env node
// The `agent-conversations-cloudflare` bin. It is committed (not built) so npm links it at install time, before the first build;
// it runs the built CLI in ../dist and says how to build it when that is missing.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const target = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(target))) {
  console.error(
    'agent-conversations-cloudflare: @agent-conversations/store-cloudflare is not built yet (no dist/cli.js); run `npm run build` at the repository root',
  );
  process.exit(1);
}
await import(target.href);
