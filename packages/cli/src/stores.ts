import {
  ConversationStoreError,
  explainStoreResolution,
  getRegisteredAdapters,
  resolveConversationStore,
  type ConversationStore,
  type EnvRecord,
  type StoreExplanation,
} from '@agent-conversations/core';

/** Store packages the CLI registers when they are installed next to it. */
export const SERVER_STORE_PACKAGES = [
  '@agent-conversations/store-agentstate',
  '@agent-conversations/store-cloudflare',
  '@agent-conversations/store-postgres',
  '@agent-conversations/store-clickhouse',
] as const;

/** Imports `<package>/register` for every installed store package; returns which were found. */
export async function registerInstalledStores(): Promise<{ registered: string[]; missing: string[] }> {
  const registered: string[] = [];
  const missing: string[] = [];
  for (const name of SERVER_STORE_PACKAGES) {
    try {
      await import(`${name}/register`);
      registered.push(name);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(name)) throw error;
      missing.push(name);
    }
  }
  return { registered, missing };
}

/** The explanation and, when it resolves, the store for an environment (always as an authenticated server). */
export async function openStore(env: EnvRecord): Promise<{ explanation: StoreExplanation; store: ConversationStore }> {
  const options = { env, authenticated: true, adapters: getRegisteredAdapters(), logger: { warn: (m: string) => console.error(m) } };
  const explanation = explainStoreResolution(options);
  if (explanation.decision === 'local') {
    throw new ConversationStoreError('CONFIG', `this environment keeps history in the browser (${explanation.reason}); set AGENT_CONVERSATION_PERSISTENCE=true and a server store`);
  }
  return { explanation, store: await resolveConversationStore(options) };
}
