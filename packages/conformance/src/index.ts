export * from './types.js';
export { ALL_CHECKS } from './checks/index.js';
export { runConformanceSuite } from './suite.js';
export { runChecks, runCheck, planChecks, type CheckResult, type CheckStatus, type PlannedCheck } from './run.js';
export { buildReport, formatSummary, type ConformanceReport } from './report.js';
export { ConformanceAssertionError } from './expect.js';
export { type Check, type CheckContext, CheckSkipped, CONCURRENCY_FLOOR, DEFAULT_CAPABILITIES, userMessage, assistantMessage, conversationMessages, expectCode } from './check.js';
