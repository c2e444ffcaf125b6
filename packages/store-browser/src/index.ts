export {
  createBrowserStore,
  DEFAULT_NAMESPACE,
  type BrowserConversationStore,
  type BrowserStoreOptions,
} from './browser-store.js';
export { browserAdapter } from './adapter.js';
export {
  importLocalHistory,
  type ImportIssue,
  type ImportLocalHistoryOptions,
  type ImportLocalHistoryResult,
} from './import-local-history.js';
export type { BrowserStoreChange } from './subscribe.js';
export type { StorageLike } from './storage.js';
export type { LockManagerLike } from './tab-lock.js';
export { createMemoryStorage } from './memory-storage.js';
