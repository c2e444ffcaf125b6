import { ApiError, CONVERSATION_FIELDS } from './state.js';

/** A message as the API accepts it (documented fields plus the optional accounting ones). */
export interface MessageInput {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  metadata?: Record<string, unknown>;
  token_count?: number;
  model?: string;
  input_tokens?: number;
  output_tokens?: number;
  cost_microdollars?: number;
  parent_message_id?: string;
}

const ROLES = ['system', 'user', 'assistant', 'tool'];
const TAG = /^[A-Za-z0-9_-]{1,50}$/;
const CURSOR = /^(\d{1,16})(?:\.([A-Za-z0-9_-]{1,64}))?$/;
const COUNTERS = ['token_count', 'input_tokens', 'output_tokens', 'cost_microdollars'] as const;

/** A 400 BAD_REQUEST with one message and no field path, as the API answers. */
export function badRequest(message = 'Invalid request body'): never {
  throw new ApiError(400, 'BAD_REQUEST', message);
}

/** True for a JSON object that is not an array or null. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body's known keys; unknown keys are dropped silently (measured: 201/200, not 400). */
export function objectBody(body: unknown, known: readonly string[]): Record<string, unknown> {
  if (!isObject(body)) badRequest();
  return Object.fromEntries(Object.entries(body).filter(([k]) => known.includes(k)));
}

/** Validates message inputs: known role, non-empty string content, object metadata, integer counters >= 0; unknown keys dropped. */
export function messageInputs(value: unknown, min: number): MessageInput[] {
  if (!Array.isArray(value) || value.length < min) badRequest();
  return value.map((m: unknown) => {
    const message = objectBody(m, ['role', 'content', 'metadata', 'model', 'parent_message_id', ...COUNTERS]);
    if (typeof message.role !== 'string' || !ROLES.includes(message.role)) badRequest();
    if (typeof message.content !== 'string' || message.content.length < 1) badRequest();
    if (message.metadata !== undefined && !isObject(message.metadata)) badRequest();
    for (const key of COUNTERS)
      if (message[key] !== undefined && !(Number.isInteger(message[key]) && (message[key] as number) >= 0))
        badRequest();
    for (const key of ['model', 'parent_message_id'])
      if (message[key] !== undefined && typeof message[key] !== 'string') badRequest();
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

/** True for a well-formed tag: 1..50 characters of [A-Za-z0-9_-]. */
export function isTag(value: unknown): value is string {
  return typeof value === 'string' && TAG.test(value);
}

/** Validates the list's `?tag=` filter; a malformed one is 400 INVALID_TAG. */
export function tagFilter(value: string): string {
  if (!isTag(value)) throw new ApiError(400, 'INVALID_TAG', 'Tags are 1-50 characters of A-Z, a-z, 0-9, _ and -');
  return value;
}

/** Parses a list cursor `"<updated_at>.<id>"` or a bare `"<updated_at>"`; anything else is 400 INVALID_CURSOR. */
export function cursorValue(value: string): { updatedAt: number; id: string | null } {
  const match = CURSOR.exec(value);
  if (!match) throw new ApiError(400, 'INVALID_CURSOR', 'Invalid cursor');
  return { updatedAt: Number(match[1]), id: match[2] ?? null };
}

/** An integer query parameter clamped into [min, max] (measured: out of range is clamped, not 400); default when absent or not a number. */
export function intParam(value: string | null, min: number, max: number, fallback: number): number {
  const n = value === null ? Number.NaN : Number.parseInt(value, 10);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
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
