import { afterAll, beforeAll, describe, it } from 'vitest';
import { ALL_CHECKS } from './checks/index.js';
import { buildReport, formatSummary } from './report.js';
import { planChecks, runPlanned, storageSkip, type CheckResult } from './run.js';
import type { ConformanceOptions } from './types.js';

/**
 * Registers the whole conformance suite with vitest: one describe per concern, one test per check, titled
 * `[id] promise`. Skipped and weakened checks are marked in their titles, and a summary naming each one with
 * its reason is printed after the last check. With `strict: true` a final test fails on any of them.
 */
export function runConformanceSuite(options: ConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  const plan = planChecks(options);
  const results = new Map<string, CheckResult>();
  describe(`conformance: ${options.name}`, () => {
    if (options.setup) beforeAll(() => options.setup?.(), timeout * 4);
    afterAll(async () => {
      const report = buildReport(
        options.name,
        ALL_CHECKS.flatMap((c) => [results.get(c.id), results.get(`${c.id}#storage`)]).filter((r) => r !== undefined),
        options.strict,
      );
      if (!options.quiet) console.log(formatSummary(report));
      await options.onReport?.(report);
      await options.teardown?.();
    }, timeout * 4);
    for (const concern of [...new Set(plan.map((p) => p.check.concern))]) {
      describe(concern, () => {
        for (const planned of plan.filter((p) => p.check.concern === concern)) {
          const { check, skipped, weakened } = planned;
          const title = `[${check.id}] ${check.name}`;
          if (skipped) {
            results.set(check.id, { id: check.id, concern, name: check.name, status: 'skipped', reason: skipped });
            it.skip(`${title} [skipped: ${skipped}]`, () => undefined);
          } else {
            it(
              weakened ? `${title} [weakened: ${weakened}]` : title,
              async (context) => {
                const result = await runPlanned(planned, options);
                results.set(check.id, result);
                if (result.status === 'failed') throw result.error;
                if (result.status === 'skipped') context.skip(result.reason);
              },
              check.slow ? timeout * 20 : timeout,
            );
          }
          const part = storageSkip(check, options);
          if (part) {
            results.set(part.id, part);
            it.skip(`[${part.id}] ${part.name} [skipped: ${part.reason}]`, () => undefined);
          }
        }
      });
    }
    if (options.strict) {
      it('[strict] every check ran in full: none skipped, none weakened', () => {
        const loose = [...results.values()].filter((r) => r.status === 'skipped' || r.status === 'weakened');
        if (loose.length)
          throw new Error(
            `strict: ${loose.length} checks did not run in full:\n${loose.map((r) => `  ${r.status} ${r.id}: ${r.reason}`).join('\n')}`,
          );
      });
    }
  });
}
