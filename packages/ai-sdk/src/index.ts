export { loadChat, type ChatSchemas, type LoadChatOptions, type LoadedChat } from './load-chat.js';
export { saveChat, type SaveChatOptions, type SaveTarget } from './save-chat.js';
export { turnUsage, type CostContext, type CostFunction, type TurnUsageOptions } from './usage.js';
export { sendLastMessage, type LastMessageBody } from './request.js';
