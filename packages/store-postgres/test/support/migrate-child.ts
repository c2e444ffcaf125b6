// Run as its own process by the migration tests: says "ready" once loaded, migrates when stdin says "go".
import { once } from 'node:events';
import { createPostgresStore } from '../../src/index.js';

const store = createPostgresStore(
  { connectionString: process.argv[2]! },
  { logger: { warn: (m) => process.stderr.write(`${m}\n`) } },
);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
try {
  const report = await store.migrate();
  process.stdout.write(
    `${JSON.stringify({ from: report.from, to: report.to, applied: report.steps.map((s) => s.version) })}\n`,
  );
} finally {
  await store.close();
  process.stdin.destroy();
}
