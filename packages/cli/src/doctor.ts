import {
  explainStoreResolution,
  formatExplanation,
  isConversationStoreError,
  redact,
  redactUrl,
  resolveConversationStore,
  type ConversationStore,
  type HealthCheck,
  type StoreExplanation,
} from '@agent-conversations/core';
import { backendVariablesSet, probableTypos } from './env-hints.js';
import { detectPlatform, RECOMMENDED, type Platform } from './platform.js';
import { resolveOptions, type StoreSide } from './stores.js';

/** Everything `doctor` found; `ok` is true only when the app would start on the store it is meant to use. */
export interface DoctorReport {
  ok: boolean;
  /** What the app would run on: the store kind, or null when it would refuse to start. */
  runsOn: string | null;
  platform: Platform;
  platformEvidence: string;
  recommendation: string | null;
  explanation: StoreExplanation;
  checks: HealthCheck[];
  packages: { registered: string[]; missing: string[] };
}

/**
 * Resolves the store exactly as a server app does (`resolveConversationStore` with `authenticated: true` and the
 * registered adapters), then checks the chosen backend for real. Not ok when the app would refuse to start, or would
 * run on memory or local while a backend variable is set (or one is probably mistyped).
 */
export async function runDoctor(
  side: StoreSide,
  packages: DoctorReport['packages'],
  cwd?: string,
): Promise<DoctorReport> {
  const { platform, evidence } = detectPlatform(side.env, cwd);
  const options = resolveOptions(side, () => undefined);
  const explanation = explainStoreResolution(options);
  const decision = explanation.decision;
  const advice = RECOMMENDED[platform];
  const recommendation =
    decision && !advice.stores.includes(decision)
      ? `on ${platform} the recommended store is ${advice.stores.join(' or ')} (${advice.why}); this app uses ${decision}`
      : null;
  const checks: HealthCheck[] = [];
  const typos = probableTypos(side.env);
  const backendSet = backendVariablesSet(side.env);
  let store: ConversationStore | undefined;
  try {
    store = await resolveConversationStore(options);
    checks.push({ name: 'app start', ok: true, detail: `resolveConversationStore() returns the ${store.kind} store` });
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    checks.push({
      name: 'app start',
      ok: false,
      detail: `the app would refuse to start: resolveConversationStore() throws ${error.code}: ${error.message}`,
    });
  }
  const onEphemeral = decision === 'memory' || decision === 'local' || decision === null;
  if (onEphemeral && backendSet.length > 0) {
    checks.push({
      name: 'persistence',
      ok: false,
      detail: `${backendSet.join(', ')} ${backendSet.length === 1 ? 'is' : 'are'} set, but the app resolves to ${decision ?? 'nothing'} (${explanation.reason})`,
    });
  }
  for (const typo of typos) {
    checks.push({
      name: 'variable names',
      ok: !onEphemeral,
      detail: `${typo.given} is set; did you mean ${typo.meant}?`,
    });
  }
  if (store) {
    try {
      checks.push(...(await checkBackend(store)));
    } finally {
      await store.close();
    }
  }
  const ok = checks.every((c) => c.ok);
  return {
    ok,
    runsOn: store?.kind ?? null,
    platform,
    platformEvidence: evidence,
    recommendation,
    explanation,
    checks,
    packages,
  };
}

async function checkBackend(store: ConversationStore): Promise<HealthCheck[]> {
  try {
    if (store.diagnose) return await store.diagnose();
    await store.list('agent-conversations-doctor', { limit: 1 });
    return [
      {
        name: 'reachable',
        ok: true,
        detail: store.persistent
          ? 'a list call succeeded'
          : `${store.kind}: fine for development, lost on restart, refused in production`,
      },
    ];
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    return [{ name: 'reachable', ok: false, detail: `${error.code}: ${error.message}` }];
  }
}

function verdict(report: DoctorReport): string {
  if (!report.ok)
    return report.runsOn
      ? `doctor: NOT ready: the app would start on ${report.runsOn}, but see FAIL above`
      : 'doctor: NOT ready: the app would refuse to start';
  return report.runsOn === 'memory'
    ? 'doctor: the app would start on memory (development only: history is lost on restart)'
    : `doctor: ready: the app would start on ${report.runsOn}`;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>`()]+/gi;

/**
 * One redaction for every line doctor prints: each URL down to `scheme://host:port` (a closing parenthesis is not part
 * of it), everything else through core's `redact` (keys, tokens, `password=`, the given secrets).
 */
export function redactLine(line: string, secrets: readonly (string | undefined)[] = []): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(URL_IN_TEXT)) {
    out += redact(line.slice(last, match.index), secrets) + redactUrl(match[0]);
    last = match.index + match[0].length;
  }
  return out + redact(line.slice(last), secrets);
}

/** The report as text for a terminal; every line goes through the same redaction (URLs down to scheme://host:port). */
export function formatDoctor(report: DoctorReport, secrets: readonly (string | undefined)[] = []): string {
  const lines = [
    `platform: ${report.platform} (${report.platformEvidence})`,
    `store packages: ${report.packages.registered.join(', ') || 'none'}${report.packages.missing.length ? ` (not installed: ${report.packages.missing.join(', ')})` : ''}`,
    '',
    formatExplanation(report.explanation),
    '',
    ...report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
  ];
  if (report.recommendation) lines.push('', `note: ${report.recommendation}`);
  lines.push('', verdict(report));
  return lines.map((line) => redactLine(line, secrets)).join('\n');
}
