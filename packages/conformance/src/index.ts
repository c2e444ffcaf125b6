export * from './types.js';
export { ALL_CHECKS } from './checks/index.js';
export { runConformanceSuite, runChecks, runCheck, type CheckResult } from './suite.js';
export { type Check, type CheckContext, DEFAULT_CAPABILITIES, userMessage, assistantMessage, conversationMessages, expectCode } from './check.js';
