// The conformance CLI's entry for the file adapter: agent-conversations-conformance tools/store-file-fixture/conformance.mjs --strict
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from './index.mjs';

const path = join(mkdtempSync(join(tmpdir(), 'file-store-')), 'conversations.json');
/** The file itself, read without the adapter: what is really stored. */
const record = async (userId, id) => JSON.parse(await readFile(path, 'utf8').catch(() => '{}'))[userId]?.[id];

export default {
  name: 'file (third-party)',
  createStore: () => createFileStore({ path }),
  inspect: {
    messages: async (userId, id) => ((await record(userId, id))?.messages ?? []).map((json) => JSON.parse(json)),
    exists: async (userId, id) => (await record(userId, id)) !== undefined,
  },
  // The I/O hook: every call awaits the gate before it takes its turn on the file, so the suite can explore the orders.
  io: { createStore: (gate) => createFileStore({ path, io: gate }) },
};
