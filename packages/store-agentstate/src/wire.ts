/** A conversation as the AgentState API returns it (snake_case, Unix ms). */
export interface ApiConversation {
  id: string;
  project_id?: string;
  external_id: string | null;
  title: string | null;
  metadata: Record<string, unknown> | null;
  message_count: number;
  token_count: number;
  total_tokens?: number;
  total_cost_microdollars?: number;
  created_at: number;
  updated_at: number;
  /** Present on by-external-id reads: every message, sorted by created_at only (one batch in no fixed order). */
  messages?: ApiMessage[];
}

/** A stored message as the API returns it. */
export interface ApiMessage {
  id: string;
  role: string;
  content: string;
  metadata?: Record<string, unknown> | null;
  token_count?: number;
  created_at?: number;
}

/** The roles the API accepts. */
export type ApiRole = 'system' | 'user' | 'assistant' | 'tool';

/** A message as the API takes it: nothing but these four fields. */
export interface ApiMessageInput {
  role: ApiRole;
  content: string;
  metadata: Record<string, unknown>;
  token_count: number;
}

/** A page of a list endpoint. */
export interface ApiPage<T> {
  data: T[];
  pagination: { limit: number; next_cursor: string | null };
}

/** The most messages one request may carry: the server inserts them in one statement and D1 allows 100 bound values (17 per message). */
export const MAX_BATCH = 5;
/** The largest page of `GET /v1/conversations`. */
export const LIST_PAGE = 100;
