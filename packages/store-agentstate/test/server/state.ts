import { randomBytes } from 'node:crypto';

/** A stored message: the documented fields plus the extra ones the genuine server returns (model, parent, tracing), no conversation_id. */
export interface ServerMessage {
  id: string;
  role: string;
  content: string;
  metadata: Record<string, unknown> | null;
  token_count: number;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_microdollars: number | null;
  parent_message_id: string | null;
  observation_type: string | null;
  start_time: number | null;
  end_time: number | null;
  status: string | null;
  level: string | null;
  created_at: number;
}

/** A stored conversation. Its counters are columns of their own, as on the genuine server, and can disagree with its messages. */
export interface ServerConversation {
  id: string;
  project_id: string;
  external_id: string | null;
  title: string | null;
  metadata: Record<string, unknown> | null;
  message_count: number;
  token_count: number;
  total_tokens: number;
  total_cost_microdollars: number;
  created_at: number;
  updated_at: number;
  messages: ServerMessage[];
  /** Each message's index in `messages` by id: the lookup `after=` does by primary key on the genuine server's D1. */
  positions: Map<string, number>;
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
export const CONVERSATION_FIELDS = [
  'id',
  'project_id',
  'external_id',
  'title',
  'metadata',
  'message_count',
  'token_count',
  'total_cost_microdollars',
  'total_tokens',
  'created_at',
  'updated_at',
];

/** `GET /v1/conversations/:id` returns at most this many messages inline (by-external-id has no cap). */
export const INLINE_LIMIT = 1000;

/** The in-memory data of the test server: conversations per project, external ids unique per project. */
export class ServerState {
  readonly conversations = new Map<string, ServerConversation>();
  private readonly external = new Map<string, string>();
  private last = 0;

  /** Unix ms that never goes backwards. */
  now(): number {
    this.last = Math.max(Date.now(), this.last);
    return this.last;
  }

  /** The project's conversation with this id, or a 404. */
  find(project: string, id: string): ServerConversation {
    const conversation = this.conversations.get(id);
    if (!conversation || conversation.project_id !== project)
      throw new ApiError(404, 'NOT_FOUND', 'Conversation not found');
    return conversation;
  }

  /** The project's conversation with this external id, or undefined. */
  findExternal(project: string, externalId: string): ServerConversation | undefined {
    const id = this.external.get(`${project}\n${externalId}`);
    return id === undefined ? undefined : this.conversations.get(id);
  }

  /** Stores a new conversation row; a taken external id is 409. */
  insert(conversation: ServerConversation): void {
    if (conversation.external_id !== null) {
      const key = `${conversation.project_id}\n${conversation.external_id}`;
      if (this.external.has(key))
        throw new ApiError(409, 'CONFLICT', 'A conversation with this external_id already exists');
      this.external.set(key, conversation.id);
    }
    this.conversations.set(conversation.id, conversation);
  }

  /** Removes a conversation, its messages and tags, and frees its external id. */
  remove(conversation: ServerConversation): void {
    this.conversations.delete(conversation.id);
    if (conversation.external_id !== null)
      this.external.delete(`${conversation.project_id}\n${conversation.external_id}`);
  }
}

/** Messages as by-external-id returns them: sorted by created_at only, so one batch (one millisecond) comes back in no fixed order. */
export function shuffledByCreatedAt(messages: readonly ServerMessage[]): ServerMessage[] {
  const out = [...messages];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomBytes(4).readUInt32LE(0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.sort((a, b) => a.created_at - b.created_at);
}

/** The conversation as JSON with its stored counters; messages inline (capped when `cap` is given) when asked. */
export function renderConversation(
  conversation: ServerConversation,
  messages: ServerMessage[] | null,
  fields?: Set<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: conversation.id,
    project_id: conversation.project_id,
    external_id: conversation.external_id,
    title: conversation.title,
    metadata: conversation.metadata,
    message_count: conversation.message_count,
    token_count: conversation.token_count,
    total_cost_microdollars: conversation.total_cost_microdollars,
    total_tokens: conversation.total_tokens,
    created_at: conversation.created_at,
    updated_at: conversation.updated_at,
  };
  if (messages) out.messages = messages;
  if (fields) for (const key of Object.keys(out)) if (!fields.has(key)) delete out[key];
  return out;
}
