import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a stand-in `wrangler` executable into `dir` for the one call that needs Cloudflare's API
 * (`d1 create`): it prints what wrangler 4 prints and appends its argv as a JSON line to `log`.
 * FAKE_D1_ID sets the id it reports; FAKE_WRANGLER_EXIT makes it fail.
 */
export function installFakeWrangler(dir: string, log: string): void {
  mkdirSync(dir, { recursive: true });
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const exit = Number(process.env.FAKE_WRANGLER_EXIT || 0);
if (exit) { console.error('✘ [ERROR] A database with that name already exists'); process.exit(exit); }
if (args[0] === 'd1' && args[1] === 'create') {
  const name = args[2];
  const id = process.env.FAKE_D1_ID;
  console.log("\\n ⛅️ wrangler 4.86.0\\n───────────────────");
  console.log("✅ Successfully created DB '" + name + "' in region WEUR");
  console.log('Created your new D1 database.\\n');
  console.log('To access your new D1 Database in your Worker, add the following snippet to your configuration file:');
  console.log(JSON.stringify({ d1_databases: [{ binding: name.replace(/-/g, '_'), database_name: name, database_id: id }] }, null, 2));
  process.exit(0);
}
console.error('stand-in wrangler: unexpected call ' + args.join(' '));
process.exit(2);
`;
  const path = join(dir, 'wrangler');
  writeFileSync(path, script);
  chmodSync(path, 0o755);
}
