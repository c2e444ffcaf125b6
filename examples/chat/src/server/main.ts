import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { registerInstalledStores } from '@agent-conversations/cli';
import { explainStoreResolution, formatExplanation, isConversationStoreError, resolveConversationStore, type ConversationStore } from '@agent-conversations/core';
import { createChatApp } from './app.js';
import { toNodeListener } from './node-adapter.js';
import { createScriptedModel } from './scripted-model.js';

// Startup, as an app author writes it: register the installed stores, explain the decision, resolve (fail closed).
const installed = await registerInstalledStores();
for (const name of installed.registered) console.log(`registered ${name}/register`);
for (const name of installed.missing) console.log(`not installed: ${name}`);

const env = { ...process.env };
if (env.AGENT_CONVERSATION_PERSISTENCE === undefined && env.NEXT_PUBLIC_FEATURE_CONVERSATION_DB === undefined) {
  // This is a server app: it turns persistence on, so a bare machine resolves to memory (development only).
  env.AGENT_CONVERSATION_PERSISTENCE = 'true';
  console.log('AGENT_CONVERSATION_PERSISTENCE is unset; the chat demo is a server app and sets it to true');
}
console.log(`\n${formatExplanation(explainStoreResolution({ env, authenticated: true }))}\n`);

let store: ConversationStore;
try {
  store = await resolveConversationStore({ env, authenticated: true });
} catch (error) {
  if (!isConversationStoreError(error)) throw error;
  console.error(`The chat demo refuses to start: ${error.message}`);
  process.exit(1);
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const app = createChatApp({ store, env, model: createScriptedModel(), publicDir: `${root}public`, bundleDir: `${root}dist` });
const server = createServer(toNodeListener(app));
const host = env.HOST ?? '127.0.0.1';
const port = Number(env.PORT ?? 3000);

server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(error.code === 'EADDRINUSE' ? `Port ${port} is in use: start with PORT=<another port> npm start` : `The chat demo cannot listen: ${error.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const note = store.persistent ? '' : ' (history is lost when the server stops)';
  console.log(`Chat demo on ${store.kind}${note}`);
  console.log(`Open http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}/ in your browser; Ctrl+C stops the server.`);
});

const shutdown = (): void => {
  server.close();
  server.closeAllConnections();
  store.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('closing the store failed', error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
