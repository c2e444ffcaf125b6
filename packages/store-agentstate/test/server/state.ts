import { randomBytes } from 'node:crypto';

/** A stored message, shaped as the API returns it. */
export interface ServerMessage {
  id: string;
  conversation_id: string;
  role: string;
  content: string;
  metadata: Record<string, unknown> | null;
  token_count: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_microdollars: number | null;
  created_at: number;
}

/** A stored conversation; counters are derived from its messages when rendered. */
export interface ServerConversation {
  id: string;
  project_id: string;
  external_id: string | null;
  title: string | null;
  metadata: Record<string, unknown> | null;
  created_at: number;
  updated_at: number;
  messages: ServerMessage[];
  tags: string[];
}

/** An error answer: `{ error: { code, message } }` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A 21-character nanoid. */
export function nanoid(): string {
  return Array.from(randomBytes(21), (b) => ALPHABET[b & 63]).join('');
}

/** The conversation fields the API knows (for `fields=`), besides `messages`. */
export const CONVERSATION_FIELDS = ['id', 'project_id', 'external_id', 'title', 'metadata', 'message_count', 'token_count', 'total_cost_microdollars', 'total_tokens', 'created_at', 'updated_at'];

/** At most this many messages are returned inline with a conversation. */
export const INLINE_LIMIT = 1000;

/** The in-memory data of the test server: conversations per project, external ids unique per project. */
export class ServerState {
  readonly conversations = new Map<string, ServerConversation>();
  private readonly external = new Map<string, string>();
  private last = 0;

  /** Unix ms that never goes backwards, so writes are ordered even within one millisecond's clock jitter. */
  now(): number {
    this.last = Math.max(Date.now(), this.last);
    return this.last;
  }

  /** The project's conversation with this id, or a 404. */
  find(project: string, id: string): ServerConversation {
    const conversation = this.conversations.get(id);
    if (!conversation || conversation.project_id !== project) throw new ApiError(404, 'NOT_FOUND', 'Conversation not found');
    return conversation;
  }

  /** The project's conversation with this external id, or undefined. */
  findExternal(project: string, externalId: string): ServerConversation | undefined {
    const id = this.external.get(`${project}\n${externalId}`);
    return id === undefined ? undefined : this.conversations.get(id);
  }

  /** Stores a new conversation; a taken external id is 409. */
  insert(conversation: ServerConversation): void {
    if (conversation.external_id !== null) {
      const key = `${conversation.project_id}\n${conversation.external_id}`;
      if (this.external.has(key)) throw new ApiError(409, 'CONFLICT', 'A conversation with this external_id already exists');
      this.external.set(key, conversation.id);
    }
    this.conversations.set(conversation.id, conversation);
  }

  /** Removes a conversation, its messages and tags, and frees its external id. */
  remove(conversation: ServerConversation): void {
    this.conversations.delete(conversation.id);
    if (conversation.external_id !== null) this.external.delete(`${conversation.project_id}\n${conversation.external_id}`);
  }
}

/** The conversation as JSON, counters included; with at most 1000 messages inline when asked. */
export function renderConversation(conversation: ServerConversation, withMessages: boolean, fields?: Set<string>): Record<string, unknown> {
  const sum = (pick: (m: ServerMessage) => number | null): number => conversation.messages.reduce((total, m) => total + (pick(m) ?? 0), 0);
  const out: Record<string, unknown> = {
    id: conversation.id,
    project_id: conversation.project_id,
    external_id: conversation.external_id,
    title: conversation.title,
    metadata: conversation.metadata,
    message_count: conversation.messages.length,
    token_count: sum((m) => m.token_count),
    total_cost_microdollars: sum((m) => m.cost_microdollars),
    total_tokens: sum((m) => m.input_tokens) + sum((m) => m.output_tokens),
    created_at: conversation.created_at,
    updated_at: conversation.updated_at,
  };
  if (withMessages) out.messages = conversation.messages.slice(0, INLINE_LIMIT);
  if (fields) for (const key of Object.keys(out)) if (!fields.has(key)) delete out[key];
  return out;
}
