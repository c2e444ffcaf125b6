export {
  createD1Store,
  migrateD1,
  D1_MIGRATIONS_TABLE,
  type D1StoreOptions,
  type D1ConversationStore,
} from './d1/store.js';
export { isD1Database, type D1DatabaseLike, type D1StatementLike } from './d1/runner.js';
export { d1Adapter } from './d1/adapter.js';
export {
  createDurableObjectStore,
  isDurableObjectNamespace,
  type DurableObjectConversationStore,
  type DurableObjectStoreOptions,
  type DurableObjectNamespaceLike,
} from './durable-object/store.js';
export { durableObjectAdapter } from './durable-object/adapter.js';
export type { ConversationsReply, ConversationsRpc } from './durable-object/protocol.js';
export { MIGRATIONS, type Migration } from './shared/schema.js';
export { PACKAGE_NAME } from './shared/package.js';
