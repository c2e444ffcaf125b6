import type { ConversationMeta, ErrorCode, Usage } from '@agent-conversations/core';
import type { LanguageModelUsage, UIMessage } from 'ai';

/** What a turn would cost at an illustrative $1 per million input and $2 per million output tokens (the scripted model is free). */
export function demoCost(usage: LanguageModelUsage): number {
  return ((usage.inputTokens ?? 0) * 1 + (usage.outputTokens ?? 0) * 2) / 1_000_000;
}

/** Metadata of each message: when it was written and, on a reply, that turn's usage (ai-sdk `turnUsage`). */
export interface ChatMetadata {
  createdAt?: number;
  usage?: Usage;
}

/** A finished turn as the server measured it: what saving it needs (usage is absent for a reply cut short). */
export interface TurnInfo {
  usage?: LanguageModelUsage;
  durationMs: number;
  model: string;
  provider: string;
}

/** Transient data parts the chat route sends after the reply (never stored in a message). A type, not an interface, so it is a UIDataTypes. */
export type ChatDataParts = {
  /** Signed in: the turn is stored; the conversation as it is now. */
  saved: { meta: ConversationMeta };
  /** Signed in: storing the turn failed; the page shows it and can save the turn itself. */
  'save-failed': { code: ErrorCode; message: string; turn: TurnInfo };
  /** Signed out: the turn to save in this browser. */
  turn: TurnInfo;
};

/** The demo's UI message type. */
export type ChatMessage = UIMessage<ChatMetadata, ChatDataParts>;
