// A setup file of every test file: the file fails when anything (pg first of all) emits a DeprecationWarning during it. pg 8
// deprecates what pg 9 turns into errors, such as a statement queued on a client while another runs.
import { afterAll } from 'vitest';

const warnings: string[] = [];
process.on('warning', (warning) => {
  if (warning.name === 'DeprecationWarning') warnings.push(warning.message);
});

afterAll(async () => {
  await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  if (warnings.length > 0) throw new Error(`deprecation warnings during this test file:\n${warnings.join('\n')}`);
});
