export * from './types.js';
export { ALL_CHECKS } from './checks/index.js';
export { runConformanceSuite } from './suite.js';
export { pageAll } from './paging.js';
export { runChecks, runCheck, planChecks, type CheckResult, type CheckStatus, type PlannedCheck } from './run.js';
export { buildReport, formatSummary, type ConformanceReport } from './report.js';
export { ConformanceAssertionError } from './expect.js';
export { type IoGate, type IoHook } from './model/explorer.js';
export { modelSettings, CI_SEED, DEFAULT_RUNS, type ModelSettings } from './model/properties.js';
export { Model, derivedTitle } from './model/model.js';
export {
  type Check,
  type CheckContext,
  CheckSkipped,
  CONCURRENCY_FLOOR,
  DEFAULT_CAPABILITIES,
  userMessage,
  assistantMessage,
  conversationMessages,
  expectCode,
} from './check.js';
