import { randomInt } from 'node:crypto';
import {
  ApiError,
  INLINE_LIMIT,
  nanoid,
  renderConversation,
  shuffledByCreatedAt,
  type ServerConversation,
  type ServerMessage,
  type ServerState,
} from './state.js';
import {
  badRequest,
  cursorValue,
  fieldsParam,
  intParam,
  isTag,
  messageInputs,
  metadataValue,
  objectBody,
  tagFilter,
  titleValue,
  type MessageInput,
} from './validate.js';

/** What a handler gets. */
export interface RouteContext {
  state: ServerState;
  project: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

/** What a handler answers (no body for 204). */
export interface RouteResult {
  status: number;
  body?: unknown;
}

/** One endpoint: method, path pattern under the base, the scope it needs, its handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: RegExp;
  scope: 'conversations:read' | 'conversations:write';
  handle(ctx: RouteContext): RouteResult;
}

/** Measured: the server inserts a request's messages in one SQL statement of 17 bound values each, and D1 allows 100. */
export const MESSAGES_PER_STATEMENT = 5;

function internalError(): never {
  throw new ApiError(500, 'INTERNAL_ERROR', 'Internal server error');
}

function toMessages(inputs: MessageInput[], now: number): ServerMessage[] {
  return inputs.map((m) => ({
    id: nanoid(),
    role: m.role,
    content: m.content,
    metadata: m.metadata ?? null,
    token_count: m.token_count ?? 0,
    model: m.model ?? null,
    input_tokens: m.input_tokens ?? null,
    output_tokens: m.output_tokens ?? null,
    cost_microdollars: m.cost_microdollars ?? null,
    parent_message_id: m.parent_message_id ?? null,
    observation_type: null,
    start_time: null,
    end_time: null,
    status: null,
    level: null,
    created_at: now,
  }));
}

/** Adds the messages' counters to the conversation's own counter columns. */
function count(conversation: ServerConversation, inputs: MessageInput[]): void {
  conversation.message_count += inputs.length;
  for (const m of inputs) {
    conversation.token_count += m.token_count ?? 0;
    conversation.total_tokens += (m.input_tokens ?? 0) + (m.output_tokens ?? 0);
    conversation.total_cost_microdollars += m.cost_microdollars ?? 0;
  }
}

/** The one-statement insert: 6 or more messages exceed D1's 100 bound values and fail with 500, storing none. */
function insertMessages(conversation: ServerConversation, inputs: MessageInput[], now: number): ServerMessage[] {
  if (inputs.length > MESSAGES_PER_STATEMENT) internalError();
  const added = toMessages(inputs, now);
  for (const m of added) conversation.positions.set(m.id, conversation.messages.push(m) - 1);
  return added;
}

/** Keyset order of the list: by updated_at then id, descending unless order=asc. */
function compare(a: { updated_at: number; id: string }, b: { updated_at: number; id: string }, desc: boolean): number {
  const raw = a.updated_at !== b.updated_at ? a.updated_at - b.updated_at : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return desc ? -raw : raw;
}

/** Measured: not atomic. The row (counters already counting the messages) is stored first; a failed message insert leaves it. */
function createConversation({ state, project, body }: RouteContext): RouteResult {
  const input = objectBody(body, ['external_id', 'title', 'metadata', 'messages']);
  if (
    input.external_id !== undefined &&
    (typeof input.external_id !== 'string' || input.external_id.length < 1 || input.external_id.length > 255)
  )
    badRequest();
  const title = input.title === undefined ? null : titleValue(input.title);
  const metadata = input.metadata === undefined ? null : metadataValue(input.metadata);
  const inputs = input.messages === undefined ? [] : messageInputs(input.messages, 0);
  const now = state.now();
  const conversation: ServerConversation = {
    id: nanoid(),
    project_id: project,
    external_id: (input.external_id as string | undefined) ?? null,
    title,
    metadata,
    message_count: 0,
    token_count: 0,
    total_tokens: 0,
    total_cost_microdollars: 0,
    created_at: now,
    updated_at: now,
    messages: [],
    positions: new Map(),
    tags: [],
  };
  count(conversation, inputs);
  state.insert(conversation);
  insertMessages(conversation, inputs, now);
  return { status: 201, body: renderConversation(conversation, conversation.messages) };
}

function listConversations({ state, project, query }: RouteContext): RouteResult {
  const limit = intParam(query.get('limit'), 1, 100, 50);
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') badRequest('Invalid query parameter');
  const tag = query.get('tag') === null ? null : tagFilter(query.get('tag')!);
  const cursor = query.get('cursor') === null ? null : cursorValue(query.get('cursor')!);
  const desc = order === 'desc';
  const after = (c: ServerConversation): boolean => {
    if (!cursor) return true;
    if (cursor.id === null) return desc ? c.updated_at < cursor.updatedAt : c.updated_at > cursor.updatedAt;
    return compare(c, { updated_at: cursor.updatedAt, id: cursor.id }, desc) > 0;
  };
  const rows = [...state.conversations.values()]
    .filter((c) => c.project_id === project && (tag === null || c.tags.includes(tag)) && after(c))
    .sort((a, b) => compare(a, b, desc));
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? `${last.updated_at}.${last.id}` : null;
  return {
    status: 200,
    body: { data: page.map((c) => renderConversation(c, null)), pagination: { limit, next_cursor: next } },
  };
}

function getConversation({ state, project, params, query }: RouteContext): RouteResult {
  const conversation = state.find(project, params[0]!);
  const { withMessages, fields } = fieldsParam(query.get('fields'));
  return {
    status: 200,
    body: renderConversation(conversation, withMessages ? conversation.messages.slice(0, INLINE_LIMIT) : null, fields),
  };
}

/** Measured: ignores `fields`, always returns every message (no 1000 cap), sorted by created_at only (no tie-break). */
function byExternalId({ state, project, params }: RouteContext): RouteResult {
  const conversation = state.findExternal(project, decodeURIComponent(params[0]!));
  if (!conversation) throw new ApiError(404, 'NOT_FOUND', 'Conversation not found');
  return { status: 200, body: renderConversation(conversation, shuffledByCreatedAt(conversation.messages)) };
}

/** Measured: the answer's updated_at is a fresh clock reading taken after the write, 15-40 ms later than the stored one. */
function updateConversation({ state, project, params, body }: RouteContext): RouteResult {
  const conversation = state.find(project, params[0]!);
  const input = objectBody(body, ['title', 'metadata']);
  if ('title' in input) conversation.title = titleValue(input.title);
  if ('metadata' in input) conversation.metadata = metadataValue(input.metadata);
  conversation.updated_at = state.now();
  return {
    status: 200,
    body: { ...renderConversation(conversation, null), updated_at: conversation.updated_at + randomInt(15, 41) },
  };
}

/** Messages and counters in one request; the conversation's updated_at is the messages' created_at. */
function addMessages({ state, project, params, body }: RouteContext): RouteResult {
  const conversation = state.find(project, params[0]!);
  const inputs = messageInputs(objectBody(body, ['messages']).messages, 1);
  const now = state.now();
  const added = insertMessages(conversation, inputs, now);
  count(conversation, inputs);
  conversation.updated_at = now;
  return { status: 201, body: { messages: added } };
}

/** Chronological pages; measured: an unknown `after=` id is ignored (from the first message), limit clamped to 1..500. */
function listMessages({ state, project, params, query }: RouteContext): RouteResult {
  const conversation = state.find(project, params[0]!);
  const limit = intParam(query.get('limit'), 1, 500, 100);
  const after = query.get('after');
  const index = after === null ? -1 : (conversation.positions.get(after) ?? -1);
  const start = index + 1;
  const data = conversation.messages.slice(start, start + limit);
  const more = start + limit < conversation.messages.length;
  return { status: 200, body: { data, pagination: { limit, next_cursor: more ? data[data.length - 1]!.id : null } } };
}

/** Measured: a malformed tag here is 400 BAD_REQUEST (the list's filter says INVALID_TAG). */
function addTags({ state, project, params, body }: RouteContext): RouteResult {
  const conversation = state.find(project, params[0]!);
  const tags = objectBody(body, ['tags']).tags;
  if (!Array.isArray(tags) || tags.length < 1 || tags.length > 50 || !tags.every(isTag)) badRequest();
  for (const tag of tags) if (!conversation.tags.includes(tag)) conversation.tags.push(tag);
  return { status: 201, body: { data: { tags: [...conversation.tags] } } };
}

/** Every endpoint of the documented surface. */
export const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/v1\/conversations$/, scope: 'conversations:write', handle: createConversation },
  { method: 'GET', pattern: /^\/v1\/conversations$/, scope: 'conversations:read', handle: listConversations },
  {
    method: 'GET',
    pattern: /^\/v1\/conversations\/by-external-id\/([^/]+)$/,
    scope: 'conversations:read',
    handle: byExternalId,
  },
  { method: 'GET', pattern: /^\/v1\/conversations\/([^/]+)$/, scope: 'conversations:read', handle: getConversation },
  {
    method: 'PUT',
    pattern: /^\/v1\/conversations\/([^/]+)$/,
    scope: 'conversations:write',
    handle: updateConversation,
  },
  {
    method: 'DELETE',
    pattern: /^\/v1\/conversations\/([^/]+)$/,
    scope: 'conversations:write',
    handle: (c) => {
      c.state.remove(c.state.find(c.project, c.params[0]!));
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/conversations\/([^/]+)\/messages$/,
    scope: 'conversations:write',
    handle: addMessages,
  },
  {
    method: 'GET',
    pattern: /^\/v1\/conversations\/([^/]+)\/messages$/,
    scope: 'conversations:read',
    handle: listMessages,
  },
  { method: 'POST', pattern: /^\/v1\/conversations\/([^/]+)\/tags$/, scope: 'conversations:write', handle: addTags },
  {
    method: 'GET',
    pattern: /^\/v1\/conversations\/([^/]+)\/tags$/,
    scope: 'conversations:read',
    handle: (c) => ({ status: 200, body: { data: { tags: [...c.state.find(c.project, c.params[0]!).tags] } } }),
  },
  {
    method: 'DELETE',
    pattern: /^\/v1\/conversations\/([^/]+)\/tags\/([^/]+)$/,
    scope: 'conversations:write',
    handle: (c) => {
      const conversation = c.state.find(c.project, c.params[0]!);
      const tag = decodeURIComponent(c.params[1]!);
      if (!isTag(tag)) badRequest();
      conversation.tags = conversation.tags.filter((t) => t !== tag);
      return { status: 204 };
    },
  },
];
