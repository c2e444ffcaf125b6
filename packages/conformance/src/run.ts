import type { ConversationStore } from '@agent-conversations/core';
import { CheckSkipped, DEFAULT_CAPABILITIES, randomId, type Check, type CheckContext } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { modelSettings } from './model/properties.js';
import type { ConformanceCapabilities, ConformanceOptions } from './types.js';

/** passed: ran in full; weakened: ran in a weaker form (the reason says how); skipped: did not run. */
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'weakened';

/** The outcome of one check. */
export interface CheckResult {
  id: string;
  concern: string;
  /** The promise the check guards. */
  name: string;
  status: CheckStatus;
  /** Why it was skipped or weakened. */
  reason?: string;
  /** The failure, starting with the check id and its promise. */
  message?: string;
  error?: unknown;
}

/** A check with what these options do to it before it runs. */
export interface PlannedCheck {
  check: Check;
  /** Why it will not run, or null. */
  skipped: string | null;
  /** Why it runs in a weaker form, or null. */
  weakened: string | null;
}

export function capabilitiesOf(options: ConformanceOptions): ConformanceCapabilities {
  return { ...DEFAULT_CAPABILITIES, ...options.capabilities };
}

/** What the options do to each check: skipped or weakened, with the reason. */
export function planChecks(options: ConformanceOptions, checks: readonly Check[] = ALL_CHECKS): PlannedCheck[] {
  const capabilities = capabilitiesOf(options);
  return checks.map((check) => ({
    check,
    skipped:
      (options.knownFailures?.[check.id] !== undefined ? `known failure: ${options.knownFailures[check.id]}` : null) ??
      check.skipUnless?.(options, capabilities) ??
      null,
    weakened: check.weakenedBy?.(options, capabilities) ?? null,
  }));
}

const NO_INSPECT = 'no inspect given: what the backend holds was not read directly';

/** The direct-storage half of a check, reported as its own skipped entry when the options give no `inspect`. */
export function storageSkip(check: Check, options: ConformanceOptions): CheckResult | null {
  if (!check.storage || options.inspect) return null;
  return {
    id: `${check.id}#storage`,
    concern: check.concern,
    name: `${check.name} (read back from the backend directly)`,
    status: 'skipped',
    reason: NO_INSPECT,
  };
}

/** Prefixes a failure with the check id and the promise it guards, keeping the values the assertion printed. */
function annotate(check: Check, error: unknown): Error {
  const head = `[${check.id}] broken promise: ${check.name}`;
  if (error instanceof Error) {
    if (!error.message.startsWith(head)) error.message = `${head}\n${error.message}`;
    return error;
  }
  return new Error(`${head}\n${String(error)}`);
}

/** Runs one check on a fresh store, closing it afterwards; returns the weakenings found at run time. Throws CheckSkipped or the annotated failure. */
export async function runCheck(check: Check, options: ConformanceOptions): Promise<{ weakened: string[] }> {
  const store: ConversationStore = await options.createStore();
  const weakened: string[] = [];
  const ctx: CheckContext = {
    store,
    capabilities: capabilitiesOf(options),
    inspect: options.inspect,
    clock: options.clock,
    io: options.io,
    model: modelSettings(options.model),
    hasPeer: Boolean(options.createPeerStore),
    peer: async () => {
      if (!options.createPeerStore) throw new Error('createPeerStore is not provided');
      return options.createPeerStore();
    },
    skip: (reason) => {
      throw new CheckSkipped(reason);
    },
    weaken: (reason) => void weakened.push(reason),
    user: () => randomId('user'),
    id: () => randomId('conv'),
  };
  try {
    await check.run(ctx);
    return { weakened };
  } catch (error) {
    throw error instanceof CheckSkipped ? error : annotate(check, error);
  } finally {
    await store.close();
  }
}

/** Runs one planned check and says how it went. */
export async function runPlanned(
  { check, skipped, weakened }: PlannedCheck,
  options: ConformanceOptions,
): Promise<CheckResult> {
  const base = { id: check.id, concern: check.concern, name: check.name };
  if (skipped) return { ...base, status: 'skipped', reason: skipped };
  try {
    const found = await runCheck(check, options);
    const reasons = [...(weakened ? [weakened] : []), ...found.weakened];
    return reasons.length ? { ...base, status: 'weakened', reason: reasons.join('; ') } : { ...base, status: 'passed' };
  } catch (error) {
    if (error instanceof CheckSkipped) return { ...base, status: 'skipped', reason: error.reason };
    return { ...base, status: 'failed', message: error instanceof Error ? error.message : String(error), error };
  }
}

/** Runs the checks one after another without vitest's runner (setup and teardown included) and returns every result. */
export async function runChecks(
  options: ConformanceOptions,
  checks: readonly Check[] = ALL_CHECKS,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  await options.setup?.();
  try {
    for (const planned of planChecks(options, checks)) {
      results.push(await runPlanned(planned, options));
      const part = storageSkip(planned.check, options);
      if (part) results.push(part);
    }
  } finally {
    await options.teardown?.();
  }
  return results;
}
