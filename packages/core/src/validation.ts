import { ConversationStoreError } from './errors.js';
import { toJson, utf8Length } from './json.js';
import { LIMITS } from './limits.js';
import type { ConversationInput, ConversationPatch, Message, Usage } from './types.js';

/** A validated message: a detached copy and its exact JSON text. */
export interface PreparedMessage {
  message: Message;
  json: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const ID = /^[A-Za-z0-9_.:@-]+$/;
const USAGE_KEYS = ['inputTokens', 'outputTokens', 'reasoningTokens', 'cachedTokens', 'costUsd', 'durationMs'] as const;

function invalid(message: string): never {
  throw new ConversationStoreError('VALIDATION', message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws VALIDATION unless userId is a non-empty string of at most 256 chars without control characters. */
export function assertUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId.length === 0) invalid('userId must be a non-empty string');
  if (userId.length > LIMITS.userIdLength) invalid(`userId must be at most ${LIMITS.userIdLength} characters`);
  if (CONTROL.test(userId)) invalid('userId must not contain control characters');
}

/** Throws VALIDATION unless id is 1-128 chars of letters, digits and `_ . : @ -`. */
export function assertConversationId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) invalid('conversation id must be a non-empty string');
  if (id.length > LIMITS.idLength) invalid(`conversation id must be at most ${LIMITS.idLength} characters`);
  if (!ID.test(id)) invalid('conversation id may only contain letters, digits and _ . : @ -');
}

/** Validates one message and returns its detached copy with its JSON. */
export function prepareMessage(message: unknown, path = 'message'): PreparedMessage {
  if (!isPlainObject(message)) invalid(`${path} must be a plain object with "id" and "role"`);
  const { id, role } = message;
  if (typeof id !== 'string' || id.length === 0) invalid(`${path}.id must be a non-empty string`);
  if (id.length > LIMITS.idLength) invalid(`${path}.id must be at most ${LIMITS.idLength} characters`);
  if (CONTROL.test(id)) invalid(`${path}.id must not contain control characters`);
  if (typeof role !== 'string' || role.length === 0 || role.length > 64) invalid(`${path}.role must be a non-empty string of at most 64 characters`);
  const json = toJson(message, path);
  const bytes = utf8Length(json);
  if (bytes > LIMITS.messageBytes) invalid(`${path} is ${bytes} bytes as JSON; the limit is ${LIMITS.messageBytes}`);
  return { message: JSON.parse(json) as Message, json };
}

/** Validates a message list (array, shapes, unique ids, sizes) and returns detached copies. */
export function prepareMessages(messages: unknown, { allowEmpty = true } = {}): PreparedMessage[] {
  if (!Array.isArray(messages)) invalid('messages must be an array');
  if (!allowEmpty && messages.length === 0) invalid('messages must contain at least one message');
  if (messages.length > LIMITS.messagesPerWrite) invalid(`at most ${LIMITS.messagesPerWrite} messages can be written at once`);
  const seen = new Set<string>();
  return messages.map((m, i) => {
    const prepared = prepareMessage(m, `messages[${i}]`);
    if (seen.has(prepared.message.id)) invalid(`messages[${i}].id "${prepared.message.id}" appears twice; message ids must be unique`);
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
    if (!(USAGE_KEYS as readonly string[]).includes(key)) invalid(`${path}.${key} is not a usage field; use ${USAGE_KEYS.join(', ')}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid(`${path}.${key} must be a finite number >= 0`);
    out[key as keyof Usage] = value;
  }
  return out;
}

/** Throws VALIDATION unless metadata is a plain JSON object within the size limit; returns a detached copy. */
export function validateMetadata(metadata: unknown): Record<string, unknown> {
  if (!isPlainObject(metadata)) invalid('metadata must be a plain JSON object');
  const json = toJson(metadata, 'metadata');
  if (utf8Length(json) > LIMITS.metadataBytes) invalid(`metadata must be at most ${LIMITS.metadataBytes} bytes as JSON`);
  return JSON.parse(json) as Record<string, unknown>;
}

/** Throws VALIDATION unless the title is a non-blank string of at most 500 chars; returns it trimmed. */
export function validateTitle(title: unknown): string {
  if (typeof title !== 'string' || title.trim().length === 0) invalid('title must be a non-empty string');
  const trimmed = title.trim();
  if (trimmed.length > LIMITS.titleLength) invalid(`title must be at most ${LIMITS.titleLength} characters`);
  return trimmed;
}

function optionalLabel(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) invalid(`${name} must be a non-empty string of at most 200 characters`);
  return value;
}

function optionalTimestamp(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) invalid(`${name} must be a Unix time in milliseconds`);
  return value;
}

/** Throws VALIDATION unless expectedVersion is absent or an integer >= 0. */
export function validateExpectedVersion(expectedVersion: unknown): number | undefined {
  if (expectedVersion === undefined) return undefined;
  if (typeof expectedVersion !== 'number' || !Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    invalid('expectedVersion must be an integer >= 0 (0 means "must not exist yet")');
  }
  return expectedVersion;
}

/** A validated upsert input with prepared messages. */
export interface PreparedInput extends Omit<ConversationInput, 'messages'> {
  messages: PreparedMessage[];
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
    title: input.title === undefined ? undefined : validateTitle(input.title),
    model: optionalLabel(input.model, 'model'),
    provider: optionalLabel(input.provider, 'provider'),
    usage: input.usage === undefined ? undefined : validateUsage(input.usage),
    metadata: input.metadata === undefined ? undefined : validateMetadata(input.metadata),
    createdAt: optionalTimestamp(input.createdAt, 'createdAt'),
    updatedAt: optionalTimestamp(input.updatedAt, 'updatedAt'),
  };
}

/** Validates an update patch; at least one known field is required. */
export function preparePatch(patch: unknown): ConversationPatch {
  if (!isPlainObject(patch)) invalid('update takes a patch object');
  const known = ['title', 'model', 'provider', 'usage', 'metadata'];
  const unknownKeys = Object.keys(patch).filter((k) => !known.includes(k));
  if (unknownKeys.length > 0) invalid(`update cannot change ${unknownKeys.join(', ')}; it changes ${known.join(', ')}`);
  const out: ConversationPatch = {};
  if (patch.title !== undefined) out.title = validateTitle(patch.title);
  if (patch.model !== undefined) out.model = optionalLabel(patch.model, 'model');
  if (patch.provider !== undefined) out.provider = optionalLabel(patch.provider, 'provider');
  if (patch.usage !== undefined) out.usage = validateUsage(patch.usage);
  if (patch.metadata !== undefined) out.metadata = validateMetadata(patch.metadata);
  if (Object.keys(out).length === 0) invalid('update needs at least one of title, model, provider, usage, metadata');
  return out;
}
