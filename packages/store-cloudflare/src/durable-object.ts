export { AgentConversationsDurableObject, DO_MIGRATIONS_TABLE } from './durable-object/object.js';
export type { ConversationsReply, ConversationsRpc } from './durable-object/protocol.js';
