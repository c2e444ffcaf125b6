#!/usr/bin/env node
// Quick start, as an app author uses the library: register the installed store packages,
// resolve the store from the environment, explain the decision, then do a round trip.
import { registerInstalledStores } from '@agent-conversations/cli';
import {
  explainStoreResolution,
  formatExplanation,
  isConversationStoreError,
  resolveConversationStore,
} from '@agent-conversations/core';

const installed = await registerInstalledStores();
for (const name of installed.registered) console.log(`registered ${name}/register`);
for (const name of installed.missing) console.log(`not installed: ${name}`);

// A server app turns persistence on; on a bare machine auto then picks memory (development only).
const env = { ...process.env };
if (env.AGENT_CONVERSATION_PERSISTENCE === undefined && env.NEXT_PUBLIC_FEATURE_CONVERSATION_DB === undefined) {
  env.AGENT_CONVERSATION_PERSISTENCE = 'true';
  console.log('AGENT_CONVERSATION_PERSISTENCE is unset; the quick start runs as a server app with it set to true');
}
const options = { env, authenticated: true };
console.log(`\n${formatExplanation(explainStoreResolution(options))}\n`);

let store;
try {
  store = await resolveConversationStore(options);
} catch (error) {
  if (!isConversationStoreError(error)) throw error;
  console.error(`cannot start: ${error.message}`);
  process.exit(1);
}

const userId = 'quickstart-user';
const id = `quickstart-${Date.now().toString(36)}`;
const user = (text) => ({ id: crypto.randomUUID(), role: 'user', parts: [{ type: 'text', text }] });
const assistant = (text) => ({ id: crypto.randomUUID(), role: 'assistant', parts: [{ type: 'text', text }] });

try {
  const saved = await store.upsert({
    id,
    userId,
    messages: [user('What can you store for me?'), assistant('Every conversation, per user.')],
  });
  console.log(
    `saved     ${saved.id}: "${saved.title}" (${saved.messageCount} messages, version ${saved.version}) on ${store.kind}`,
  );
  const appended = await store.append(userId, id, [user('And usage?'), assistant('Token and cost totals too.')], {
    usage: { inputTokens: 42, outputTokens: 17, costUsd: 0.0004 },
  });
  console.log(`appended  2 messages -> ${appended.messageCount} messages, usage ${JSON.stringify(appended.usage)}`);
  const page = await store.list(userId, { limit: 10 });
  console.log(`listed    ${page.items.length} conversation(s): ${page.items.map((c) => `"${c.title}"`).join(', ')}`);
  const renamed = await store.update(userId, id, { title: 'Quick start' }, { expectedVersion: appended.version });
  console.log(`renamed   to "${renamed.title}" (version ${renamed.version})`);
  const loaded = await store.get(userId, id);
  console.log(`loaded    ${loaded.messages.length} messages: ${loaded.messages.map((m) => m.role).join(', ')}`);
  console.log(`deleted   ${await store.delete(userId, id)}; get afterwards -> ${await store.get(userId, id)}`);
} finally {
  await store.close();
}
