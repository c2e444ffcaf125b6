import { ApiError, CONVERSATION_FIELDS } from './state.js';

/** A message as the API accepts it. */
export interface MessageInput {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  metadata?: Record<string, unknown>;
  token_count?: number;
}

const ROLES = ['system', 'user', 'assistant', 'tool'];
const TAG = /^[A-Za-z0-9_-]{1,50}$/;
const CURSOR = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/;

/** A 400 BAD_REQUEST with one message and no field path, as the API answers. */
export function badRequest(message = 'Invalid request body'): never {
  throw new ApiError(400, 'BAD_REQUEST', message);
}

/** True for a JSON object that is not an array or null. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws BAD_REQUEST unless the body is an object whose keys are all allowed. */
export function objectBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (!isObject(body)) badRequest();
  if (Object.keys(body).some((k) => !allowed.includes(k))) badRequest();
  return body;
}

/** Validates message inputs: known role, non-empty string content, object metadata, integer token_count >= 0, nothing else. */
export function messageInputs(value: unknown, min: number): MessageInput[] {
  if (!Array.isArray(value) || value.length < min) badRequest();
  return value.map((m: unknown) => {
    const message = objectBody(m, ['role', 'content', 'metadata', 'token_count']);
    if (typeof message.role !== 'string' || !ROLES.includes(message.role)) badRequest();
    if (typeof message.content !== 'string' || message.content.length < 1) badRequest();
    if (message.metadata !== undefined && !isObject(message.metadata)) badRequest();
    if (message.token_count !== undefined && !(Number.isInteger(message.token_count) && (message.token_count as number) >= 0)) badRequest();
    return message as unknown as MessageInput;
  });
}

/** Validates a metadata value: an object (not an array). */
export function metadataValue(value: unknown): Record<string, unknown> {
  if (!isObject(value)) badRequest();
  return value;
}

/** Validates a title: a string (null and other types are 400). */
export function titleValue(value: unknown): string {
  if (typeof value !== 'string') badRequest();
  return value;
}

/** Validates a tag; a malformed one is 400 INVALID_TAG. */
export function tagValue(value: unknown): string {
  if (typeof value !== 'string' || !TAG.test(value)) throw new ApiError(400, 'INVALID_TAG', 'Tags are 1-50 characters of A-Z, a-z, 0-9, _ and -');
  return value;
}

/** Parses a list cursor `"<updated_at>.<id>"`; anything else is 400 INVALID_CURSOR. */
export function cursorValue(value: string): { updatedAt: number; id: string } {
  const match = CURSOR.exec(value);
  if (!match) throw new ApiError(400, 'INVALID_CURSOR', 'Invalid cursor');
  return { updatedAt: Number(match[1]), id: match[2]! };
}

/** Parses an integer query parameter within bounds, with a default; anything else is 400. */
export function intParam(value: string | null, min: number, max: number, fallback: number): number {
  if (value === null) return fallback;
  if (!/^\d+$/.test(value)) badRequest(`Invalid query parameter`);
  const n = Number(value);
  if (n < min || n > max) badRequest(`Invalid query parameter`);
  return n;
}

/** Parses `fields=`: names to keep, or `!name` to leave out; an unknown name is 400 INVALID_FIELD. */
export function fieldsParam(value: string | null): { withMessages: boolean; fields?: Set<string> } {
  if (value === null) return { withMessages: true };
  const known = [...CONVERSATION_FIELDS, 'messages'];
  const include = new Set<string>();
  const exclude = new Set<string>();
  for (const raw of value.split(',')) {
    const name = raw.trim().replace(/^!/, '');
    if (!known.includes(name)) throw new ApiError(400, 'INVALID_FIELD', `Unknown field: ${name}`);
    (raw.trim().startsWith('!') ? exclude : include).add(name);
  }
  const keep = new Set(include.size ? include : known);
  for (const name of exclude) keep.delete(name);
  return { withMessages: keep.has('messages'), fields: keep };
}
