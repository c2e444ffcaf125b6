import type { ErrorCode, StoreKind } from '@agent-conversations/core';

/** The backend the current session uses and why, as the resolver explained it. */
export interface StoreStatus {
  /** `local` for signed-out sessions (the browser keeps history), else the server store's kind. */
  kind: StoreKind | null;
  /** The resolver's reason for the decision. */
  reason: string;
  /** False when a restart (memory) or clearing site data (local) loses the history. */
  persistent: boolean;
  /** `formatExplanation()` of the resolution: every candidate and why it was taken or skipped. */
  explanation: string;
}

/** What `GET /api/session` returns. */
export interface SessionInfo {
  /** The signed-in demo user, or null when signed out. */
  user: string | null;
  store: StoreStatus;
}

/** The body of every error response. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string };
}

/** The body of `POST /api/chat`, as the AI SDK's DefaultChatTransport sends it. */
export interface ChatRequestBody {
  id: string;
  messages: unknown[];
}
