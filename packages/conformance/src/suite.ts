import type { ConversationStore } from '@agent-conversations/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_CAPABILITIES, randomId, type Check, type CheckContext } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import type { ConformanceCapabilities, ConformanceOptions } from './types.js';

/** The outcome of one check run outside vitest's runner. */
export interface CheckResult {
  concern: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  error?: unknown;
  reason?: string;
}

function capabilitiesOf(options: ConformanceOptions): ConformanceCapabilities {
  return { ...DEFAULT_CAPABILITIES, ...options.capabilities };
}

/** Runs one check on a fresh store, closing it (and any peer) afterwards. */
export async function runCheck(check: Check, options: ConformanceOptions): Promise<void> {
  const store: ConversationStore = await options.createStore();
  const ctx: CheckContext = {
    store,
    capabilities: capabilitiesOf(options),
    inspect: options.inspect,
    peer: async () => {
      if (!options.createPeerStore) throw new Error('createPeerStore is not provided');
      return options.createPeerStore();
    },
    user: () => randomId('user'),
    id: () => randomId('conv'),
  };
  try {
    await check.run(ctx);
  } finally {
    await store.close();
  }
}

/** Runs every check without vitest's runner and returns the results (used to prove the suite catches broken stores). */
export async function runChecks(options: ConformanceOptions, checks: readonly Check[] = ALL_CHECKS): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const reason = check.skipUnless?.(options, capabilitiesOf(options)) ?? null;
    if (reason) {
      results.push({ concern: check.concern, name: check.name, status: 'skipped', reason });
      continue;
    }
    try {
      await runCheck(check, options);
      results.push({ concern: check.concern, name: check.name, status: 'passed' });
    } catch (error) {
      results.push({ concern: check.concern, name: check.name, status: 'failed', error });
    }
  }
  return results;
}

/** Registers the whole conformance suite with vitest: one describe per concern, one test per check; missing capabilities skip visibly. */
export function runConformanceSuite(options: ConformanceOptions): void {
  const capabilities = capabilitiesOf(options);
  const timeout = options.timeoutMs ?? 30_000;
  describe(`conformance: ${options.name}`, () => {
    if (options.setup) beforeAll(() => options.setup?.(), timeout * 4);
    if (options.teardown) afterAll(() => options.teardown?.(), timeout * 4);
    const concerns = [...new Set(ALL_CHECKS.map((c) => c.concern))];
    for (const concern of concerns) {
      describe(concern, () => {
        for (const check of ALL_CHECKS.filter((c) => c.concern === concern)) {
          const reason = check.skipUnless?.(options, capabilities) ?? null;
          if (reason) it.skip(`${check.name} [skipped: ${reason}]`, () => undefined);
          else it(check.name, () => runCheck(check, options), timeout);
        }
      });
    }
  });
}
