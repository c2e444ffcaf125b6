import { ApiError, nanoid, renderConversation, type ServerConversation, type ServerMessage, type ServerState } from './state.js';
import { badRequest, cursorValue, fieldsParam, intParam, messageInputs, metadataValue, objectBody, tagValue, titleValue, type MessageInput } from './validate.js';

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

function toMessages(state: ServerState, conversation: ServerConversation, inputs: MessageInput[]): ServerMessage[] {
  const now = state.now();
  return inputs.map((m) => ({
    id: nanoid(),
    conversation_id: conversation.id,
    role: m.role,
    content: m.content,
    metadata: m.metadata ?? null,
    token_count: m.token_count ?? 0,
    input_tokens: null,
    output_tokens: null,
    cost_microdollars: null,
    created_at: now,
  }));
}

/** Keyset order of the list: by updated_at then id, descending unless order=asc. */
function compare(a: { updated_at: number; id: string }, b: { updated_at: number; id: string }, desc: boolean): number {
  const raw = a.updated_at !== b.updated_at ? a.updated_at - b.updated_at : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return desc ? -raw : raw;
}

function createConversation({ state, project, body }: RouteContext): RouteResult {
  const input = objectBody(body, ['external_id', 'title', 'metadata', 'messages']);
  if (input.external_id !== undefined && (typeof input.external_id !== 'string' || input.external_id.length < 1 || input.external_id.length > 255)) badRequest();
  const title = input.title === undefined ? null : titleValue(input.title);
  const metadata = input.metadata === undefined ? null : metadataValue(input.metadata);
  const messages = input.messages === undefined ? [] : messageInputs(input.messages, 0);
  const now = state.now();
  const conversation: ServerConversation = { id: nanoid(), project_id: project, external_id: (input.external_id as string | undefined) ?? null, title, metadata, created_at: now, updated_at: now, messages: [], tags: [] };
  conversation.messages = toMessages(state, conversation, messages);
  state.insert(conversation);
  return { status: 201, body: renderConversation(conversation, true) };
}

function listConversations({ state, project, query }: RouteContext): RouteResult {
  const limit = intParam(query.get('limit'), 1, 100, 50);
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') badRequest('Invalid query parameter');
  const tag = query.get('tag') === null ? null : tagValue(query.get('tag'));
  const cursor = query.get('cursor') === null ? null : cursorValue(query.get('cursor')!);
  const desc = order === 'desc';
  const after = cursor && { updated_at: cursor.updatedAt, id: cursor.id };
  const rows = [...state.conversations.values()]
    .filter((c) => c.project_id === project && (tag === null || c.tags.includes(tag)))
    .filter((c) => !after || compare(c, after, desc) > 0)
    .sort((a, b) => compare(a, b, desc));
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? `${last.updated_at}.${last.id}` : null;
  return { status: 200, body: { data: page.map((c) => renderConversation(c, false)), pagination: { limit, next_cursor: next } } };
}

function getConversation(conversation: ServerConversation, query: URLSearchParams): RouteResult {
  const { withMessages, fields } = fieldsParam(query.get('fields'));
  return { status: 200, body: renderConversation(conversation, withMessages, fields) };
}

function byExternalId({ state, project, params, query }: RouteContext): RouteResult {
  const conversation = state.findExternal(project, decodeURIComponent(params[0]!));
  if (!conversation) throw new ApiError(404, 'NOT_FOUND', 'Conversation not found');
  return getConversation(conversation, query);
}

function updateConversation({ state, project, params, body }: RouteContext): RouteResult {
  const conversation = state.find(project, params[0]!);
  const input = objectBody(body, ['title', 'metadata']);
  if ('title' in input) conversation.title = titleValue(input.title);
  if ('metadata' in input) conversation.metadata = metadataValue(input.metadata);
  conversation.updated_at = state.now();
  return { status: 200, body: renderConversation(conversation, false) };
}

function addMessages({ state, project, params, body }: RouteContext): RouteResult {
  const conversation = state.find(project, params[0]!);
  const inputs = messageInputs(objectBody(body, ['messages']).messages, 1);
  const added = toMessages(state, conversation, inputs);
  conversation.messages.push(...added);
  conversation.updated_at = state.now();
  return { status: 201, body: { messages: added } };
}

function listMessages({ state, project, params, query }: RouteContext): RouteResult {
  const conversation = state.find(project, params[0]!);
  const limit = intParam(query.get('limit'), 1, 500, 100);
  const after = query.get('after');
  let start = 0;
  if (after !== null) {
    const index = conversation.messages.findIndex((m) => m.id === after);
    if (index < 0) throw new ApiError(400, 'INVALID_CURSOR', 'Invalid cursor');
    start = index + 1;
  }
  const data = conversation.messages.slice(start, start + limit);
  const more = start + limit < conversation.messages.length;
  return { status: 200, body: { data, pagination: { limit, next_cursor: more ? data[data.length - 1]!.id : null } } };
}

function addTags({ state, project, params, body }: RouteContext): RouteResult {
  const conversation = state.find(project, params[0]!);
  const tags = objectBody(body, ['tags']).tags;
  if (!Array.isArray(tags) || tags.length < 1 || tags.length > 50) badRequest();
  for (const tag of tags.map(tagValue)) if (!conversation.tags.includes(tag)) conversation.tags.push(tag);
  return { status: 201, body: { data: { tags: [...conversation.tags] } } };
}

/** Every endpoint of the documented surface. */
export const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/v1\/conversations$/, scope: 'conversations:write', handle: createConversation },
  { method: 'GET', pattern: /^\/v1\/conversations$/, scope: 'conversations:read', handle: listConversations },
  { method: 'GET', pattern: /^\/v1\/conversations\/by-external-id\/([^/]+)$/, scope: 'conversations:read', handle: byExternalId },
  { method: 'GET', pattern: /^\/v1\/conversations\/([^/]+)$/, scope: 'conversations:read', handle: (c) => getConversation(c.state.find(c.project, c.params[0]!), c.query) },
  { method: 'PUT', pattern: /^\/v1\/conversations\/([^/]+)$/, scope: 'conversations:write', handle: updateConversation },
  {
    method: 'DELETE',
    pattern: /^\/v1\/conversations\/([^/]+)$/,
    scope: 'conversations:write',
    handle: (c) => {
      c.state.remove(c.state.find(c.project, c.params[0]!));
      return { status: 204 };
    },
  },
  { method: 'POST', pattern: /^\/v1\/conversations\/([^/]+)\/messages$/, scope: 'conversations:write', handle: addMessages },
  { method: 'GET', pattern: /^\/v1\/conversations\/([^/]+)\/messages$/, scope: 'conversations:read', handle: listMessages },
  { method: 'POST', pattern: /^\/v1\/conversations\/([^/]+)\/tags$/, scope: 'conversations:write', handle: addTags },
  { method: 'GET', pattern: /^\/v1\/conversations\/([^/]+)\/tags$/, scope: 'conversations:read', handle: (c) => ({ status: 200, body: { data: { tags: [...c.state.find(c.project, c.params[0]!).tags] } } }) },
  {
    method: 'DELETE',
    pattern: /^\/v1\/conversations\/([^/]+)\/tags\/([^/]+)$/,
    scope: 'conversations:write',
    handle: (c) => {
      const conversation = c.state.find(c.project, c.params[0]!);
      const tag = tagValue(decodeURIComponent(c.params[1]!));
      conversation.tags = conversation.tags.filter((t) => t !== tag);
      return { status: 204 };
    },
  },
];
