// Regenerates migrations/*.sql (the default schema "agent_conversations", prefix "agent_") from src/migrations.ts; a test checks they stay in sync.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { migrationFiles } from '../src/migrations.js';

for (const file of migrationFiles()) {
  writeFileSync(fileURLToPath(new URL(`../migrations/${file.fileName}`, import.meta.url)), file.sql);
  console.log(`wrote migrations/${file.fileName}`);
}
