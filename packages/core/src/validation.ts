import { toJson, utf8Length } from './json.js';
import {
  ID_LENGTH,
  MESSAGES_PER_WRITE,
  MESSAGE_BYTES,
  METADATA_BYTES,
  TITLE_LENGTH,
  USER_ID_LENGTH,
} from './limits.js';
import { invalid, isPlainObject } from './internal.js';
import type { ConversationInput, ConversationPatch, Message, Usage } from './types.js';

/** A validated message: a detached copy and its exact JSON text. */
export interface PreparedMessage {
  message: Message;
  json: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const ID = /^[A-Za-z0-9_.:@-]+$/;
const USAGE_KEYS = ['inputTokens', 'outputTokens', 'reasoningTokens', 'cachedTokens', 'costUsd', 'durationMs'] as const;

// `plain`: no control characters; `display`: also well-formed Unicode (titles, labels).
function assertText(value: unknown, name: string, max: number, rule?: 'plain' | 'display'): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) invalid(`${name} must be a non-empty string`);
  if (value.length > max) invalid(`${name} must be at most ${max} characters`);
  if (rule && CONTROL.test(value)) invalid(`${name} must not contain control characters`);
  if (rule === 'display' && !(value as WellFormed).isWellFormed()) invalid(`${name} must not contain lone surrogates`);
}

/** ES2024 string methods (Node 20, Workers and browsers have them). */
type WellFormed = string & { isWellFormed(): boolean; toWellFormed(): string };

// The value's JSON, refused above `max` UTF-8 bytes.
function sizedJson(value: Record<string, unknown>, path: string, max: number): string {
  const json = toJson(value, path);
  const bytes = utf8Length(json);
  if (bytes > max) invalid(`${path} is ${bytes} bytes as JSON; the limit is ${max}`);
  return json;
}

/** Throws VALIDATION unless userId is a non-empty string of at most 256 chars without control characters. */
export function assertUserId(userId: unknown): asserts userId is string {
  assertText(userId, 'userId', USER_ID_LENGTH, 'plain');
}

/** assertUserId, plus: refuses lone surrogates, for a store (named in the message) that keeps ids as UTF-8, where they become U+FFFD and two users would meet. */
export function assertUtf8UserId(userId: unknown, store: string): asserts userId is string {
  assertUserId(userId);
  if (!(userId as WellFormed).isWellFormed())
    invalid(`userId must not contain lone surrogates: ${store} stores it as UTF-8`);
}

/** Throws VALIDATION unless id is 1-128 chars of letters, digits and `_ . : @ -`. */
export function assertConversationId(id: unknown): asserts id is string {
  assertText(id, 'conversation id', ID_LENGTH);
  if (!ID.test(id)) invalid('conversation id may only contain letters, digits and _ . : @ -');
}

/** Validates one message and returns its detached copy with its JSON. */
export function prepareMessage(message: unknown, path = 'message'): PreparedMessage {
  if (!isPlainObject(message)) invalid(`${path} must be a plain object with "id" and "role"`);
  const { id, role } = message;
  assertText(id, `${path}.id`, ID_LENGTH, 'plain');
  assertText(role, `${path}.role`, 64);
  const json = sizedJson(message, path, MESSAGE_BYTES);
  return { message: JSON.parse(json) as Message, json };
}

/** Validates a message list (array, shapes, unique ids, sizes) and returns detached copies. */
export function prepareMessages(messages: unknown, { allowEmpty = true } = {}): PreparedMessage[] {
  if (!Array.isArray(messages)) invalid('messages must be an array');
  if (!allowEmpty && messages.length === 0) invalid('messages must not be empty');
  if (messages.length > MESSAGES_PER_WRITE) invalid(`at most ${MESSAGES_PER_WRITE} messages can be written at once`);
  const seen = new Set<string>();
  return messages.map((m, i) => {
    const prepared = prepareMessage(m, `messages[${i}]`);
    if (seen.has(prepared.message.id)) invalid(`messages[${i}].id "${prepared.message.id}" appears twice`);
    seen.add(prepared.message.id);
    return prepared;
  });
}

/** Throws VALIDATION unless usage holds only known counters with finite non-negative numbers; returns a copy. */
export function validateUsage(usage: unknown, path = 'usage'): Usage {
  if (!isPlainObject(usage)) invalid(`${path} must be an object`);
  const out: Usage = {};
  for (const [key, value] of Object.entries(usage)) {
    if (value === undefined) continue;
    if (!(USAGE_KEYS as readonly string[]).includes(key))
      invalid(`${path}.${key} is not a usage field; use ${USAGE_KEYS.join(', ')}`);
    if (!Number.isFinite(value) || (value as number) < 0) invalid(`${path}.${key} must be a finite number >= 0`);
    out[key as keyof Usage] = value as number;
  }
  return out;
}

/** Throws VALIDATION unless metadata is a plain JSON object within the size limit; returns a detached copy. */
export function validateMetadata(metadata: unknown): Record<string, unknown> {
  if (!isPlainObject(metadata)) invalid('metadata must be a plain JSON object');
  return JSON.parse(sizedJson(metadata, 'metadata', METADATA_BYTES)) as Record<string, unknown>;
}

/** Throws VALIDATION unless the title is non-blank, at most 500 chars, without control characters or lone surrogates; returns it trimmed. */
export function validateTitle(title: unknown): string {
  const trimmed = typeof title === 'string' ? title.trim() : title;
  assertText(trimmed, 'title', TITLE_LENGTH, 'display');
  return trimmed;
}

function optionalLabel(value: unknown, name: string): string | undefined {
  if (value !== undefined) assertText(value, name, 200, 'display');
  return value;
}

// Absent, or an integer >= 0; anything else throws VALIDATION with `problem`.
function optionalCount(value: unknown, problem: string): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) invalid(problem);
  return value as number | undefined;
}

/** Throws VALIDATION unless expectedVersion is absent or an integer >= 0. */
export function validateExpectedVersion(expectedVersion: unknown): number | undefined {
  return optionalCount(expectedVersion, 'expectedVersion must be an integer >= 0 (0 means "must not exist yet")');
}

/** A validated upsert input with prepared messages. */
export interface PreparedInput extends Omit<ConversationInput, 'messages'> {
  messages: PreparedMessage[];
}

const PATCH_FIELDS = ['title', 'model', 'provider', 'usage', 'metadata'] as const;

/** Validates the fields upsert and update share; absent ones are undefined. */
function prepareFields(input: Record<string, unknown>): ConversationPatch {
  return {
    title: input.title === undefined ? undefined : validateTitle(input.title),
    model: optionalLabel(input.model, 'model'),
    provider: optionalLabel(input.provider, 'provider'),
    usage: input.usage === undefined ? undefined : validateUsage(input.usage),
    metadata: input.metadata === undefined ? undefined : validateMetadata(input.metadata),
  };
}

/** Validates everything upsert takes; nothing may be written when this throws. */
export function prepareInput(input: unknown): PreparedInput {
  if (!isPlainObject(input)) invalid('upsert takes an object with id, userId and messages');
  assertUserId(input.userId);
  assertConversationId(input.id);
  return {
    id: input.id,
    userId: input.userId,
    messages: prepareMessages(input.messages),
    ...prepareFields(input),
    createdAt: optionalCount(input.createdAt, 'createdAt must be a Unix time in milliseconds'),
    updatedAt: optionalCount(input.updatedAt, 'updatedAt must be a Unix time in milliseconds'),
  };
}

/** Validates an update patch; at least one known field is required. */
export function preparePatch(patch: unknown): ConversationPatch {
  if (!isPlainObject(patch)) invalid('update takes a patch object');
  const unknownKeys = Object.keys(patch).filter((k) => !(PATCH_FIELDS as readonly string[]).includes(k));
  if (unknownKeys.length > 0)
    invalid(`update cannot change ${unknownKeys.join(', ')}; it changes ${PATCH_FIELDS.join(', ')}`);
  const out = prepareFields(patch);
  for (const key of PATCH_FIELDS) if (out[key] === undefined) delete out[key];
  if (Object.keys(out).length === 0) invalid(`update needs at least one of ${PATCH_FIELDS.join(', ')}`);
  return out;
}
