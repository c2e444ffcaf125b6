import { explainStoreResolution, formatExplanation, getRegisteredAdapters, isConversationStoreError, resolveConversationStore, type EnvRecord, type HealthCheck, type StoreExplanation } from '@agent-conversations/core';
import { detectPlatform, RECOMMENDED, type Platform } from './platform.js';

/** Everything `doctor` found; `ok` is true only when the app would work. */
export interface DoctorReport {
  ok: boolean;
  platform: Platform;
  platformEvidence: string;
  recommendation: string | null;
  explanation: StoreExplanation;
  checks: HealthCheck[];
  packages: { registered: string[]; missing: string[] };
}

/** Resolves the store as the app would, then checks the chosen backend for real. */
export async function runDoctor(env: EnvRecord, packages: DoctorReport['packages'], cwd?: string): Promise<DoctorReport> {
  const { platform, evidence } = detectPlatform(env, cwd);
  const options = { env, authenticated: true, adapters: getRegisteredAdapters(), logger: { warn: () => undefined } };
  const explanation = explainStoreResolution(options);
  const advice = RECOMMENDED[platform];
  const decision = explanation.decision;
  const recommendation = decision && !advice.stores.includes(decision) ? `on ${platform} the recommended store is ${advice.stores.join(' or ')} (${advice.why}); this app uses ${decision}` : null;
  const checks: HealthCheck[] = [];
  if (explanation.error || !decision) {
    checks.push({ name: 'configuration', ok: false, detail: explanation.error?.message ?? explanation.reason });
  } else if (decision === 'local') {
    checks.push({ name: 'server persistence', ok: true, detail: `${explanation.reason}: nothing to check on the server` });
  } else {
    checks.push(...(await checkBackend(options)));
  }
  return { ok: checks.every((c) => c.ok), platform, platformEvidence: evidence, recommendation, explanation, checks, packages };
}

async function checkBackend(options: Parameters<typeof resolveConversationStore>[0]): Promise<HealthCheck[]> {
  let store;
  try {
    store = await resolveConversationStore(options);
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    return [{ name: 'create store', ok: false, detail: error.message }];
  }
  try {
    if (store.diagnose) return await store.diagnose();
    await store.list('agent-conversations-doctor', { limit: 1 });
    const note = store.persistent ? 'a list call succeeded' : 'memory: fine for development, lost on restart, refused in production';
    return [{ name: 'reachable', ok: true, detail: note }];
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    return [{ name: 'reachable', ok: false, detail: `${error.code}: ${error.message}` }];
  } finally {
    await store.close();
  }
}

/** The report as text for a terminal. */
export function formatDoctor(report: DoctorReport): string {
  const lines = [
    `platform: ${report.platform} (${report.platformEvidence})`,
    `store packages: ${report.packages.registered.join(', ') || 'none'}${report.packages.missing.length ? ` (not installed: ${report.packages.missing.join(', ')})` : ''}`,
    '',
    formatExplanation(report.explanation),
    '',
    ...report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
  ];
  if (report.recommendation) lines.push('', `note: ${report.recommendation}`);
  lines.push('', report.ok ? 'doctor: the conversation store is ready' : 'doctor: the conversation store is NOT ready');
  return lines.join('\n');
}
