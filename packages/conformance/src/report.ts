import type { CheckResult, CheckStatus } from './run.js';

/** What a run did, check by check: what `--json` writes and `onReport` receives. */
export interface ConformanceReport {
  name: string;
  strict: boolean;
  /** No check failed and, when strict, none was skipped or weakened. */
  ok: boolean;
  counts: Record<CheckStatus, number> & { total: number };
  checks: Omit<CheckResult, 'error'>[];
}

/** Sums up results; strict makes any skipped or weakened check fail the run. */
export function buildReport(name: string, results: readonly CheckResult[], strict = false): ConformanceReport {
  const counts = { passed: 0, failed: 0, skipped: 0, weakened: 0, total: results.length };
  for (const r of results) counts[r.status] += 1;
  const ok = counts.failed === 0 && (!strict || counts.skipped + counts.weakened === 0);
  return { name, strict, ok, counts, checks: results.map(({ error: _error, ...rest }) => rest) };
}

/** The closing summary: counts, then every skipped, weakened and failed check by id with its reason. */
export function formatSummary(report: ConformanceReport): string {
  const { counts } = report;
  const lines = [
    `conformance summary (${report.name}): ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.weakened} weakened, of ${counts.total} checks`,
  ];
  for (const status of ['skipped', 'weakened', 'failed'] as const) {
    for (const r of report.checks.filter((c) => c.status === status)) {
      lines.push(`  ${status.padEnd(8)} ${r.id}: ${status === 'failed' ? r.name : r.reason}`);
    }
  }
  const loose = counts.skipped + counts.weakened;
  if (report.strict)
    lines.push(loose ? `strict: FAILED, ${loose} checks skipped or weakened` : 'strict: every check ran in full');
  else if (loose)
    lines.push(`not strict: run with --strict (or strict: true) to fail on the ${loose} skipped or weakened checks`);
  return lines.join('\n');
}
