import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { registerInstalledStores } from '@agent-conversations/cli';
import {
  explainStoreResolution,
  formatExplanation,
  isConversationStoreError,
  resolveConversationStore,
  type ConversationStore,
} from '@agent-conversations/core';
import { createChatApp } from './app.js';
import { toNodeListener } from './node-adapter.js';
import { createScriptedModel } from './scripted-model.js';
import { allowedHostsFor } from './security.js';
import { loadSessionSecret } from './session-secret.js';

/** One line, whatever the reason: the store's explanations can be a list. */
const refuse = (reason: string): never => {
  const line = reason
    .split('\n')
    .map((part) => part.trim().replace(/^- /, ''))
    .filter(Boolean)
    .join(' ');
  console.error(`The chat demo refuses to start: ${line}`);
  process.exit(1);
};

// Startup, as an app author writes it: register the installed stores, resolve (fail closed), explain the decision.
const installed = await registerInstalledStores();
const env = { ...process.env };
if (env.AGENT_CONVERSATION_PERSISTENCE === undefined && env.NEXT_PUBLIC_FEATURE_CONVERSATION_DB === undefined) {
  // This is a server app: it turns persistence on, so a bare machine resolves to memory (development only).
  env.AGENT_CONVERSATION_PERSISTENCE = 'true';
}

let store: ConversationStore;
try {
  store = await resolveConversationStore({ env, authenticated: true });
} catch (error) {
  if (!isConversationStoreError(error)) throw error;
  refuse(error.message);
}
const root = fileURLToPath(new URL('../../', import.meta.url));
const secret = await loadSessionSecret(env, env.CHAT_DEMO_SECRET_FILE ?? `${root}.data/session-secret`);
if ('error' in secret) refuse(secret.error);

console.log(
  `Stores installed: ${installed.registered.map((name) => name.replace('@agent-conversations/', '')).join(', ') || 'none'}`,
);
console.log(formatExplanation(explainStoreResolution({ env, authenticated: true })));
console.log(`Sessions: signed cookies, key from ${'secret' in secret ? secret.source : ''}`);

const allowedHosts = new Set<string>();
const app = createChatApp({
  store: store!,
  env,
  model: createScriptedModel({
    delayMs: env.CHAT_DEMO_REPLY_DELAY_MS === undefined ? undefined : Number(env.CHAT_DEMO_REPLY_DELAY_MS),
  }),
  publicDir: `${root}public`,
  bundleDir: `${root}dist`,
  sessionSecret: 'secret' in secret ? secret.secret : '',
  allowedHosts,
});
const server = createServer(toNodeListener(app));
const host = env.HOST ?? '127.0.0.1';
const port = Number(env.PORT ?? 3000);

server.on('error', (error: NodeJS.ErrnoException) =>
  refuse(
    error.code === 'EADDRINUSE'
      ? `port ${port} is in use: start with PORT=<another port> npm start`
      : `it cannot listen: ${error.message}`,
  ),
);
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  for (const name of allowedHostsFor(host, actual, env.CHAT_DEMO_ALLOWED_HOSTS)) allowedHosts.add(name);
  const note = store.persistent ? '' : ' (history is lost when the server stops)';
  console.log(`Chat demo on ${store.kind}${note}`);
  console.log(
    `Open http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actual}/ in your browser; Ctrl+C stops the server.`,
  );
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
