import { ID_LENGTH, JSON_DEPTH, MESSAGE_BYTES, MESSAGES_PER_WRITE } from './limits.js';
import { invalid, isPlainObject } from './internal.js';
import type { ConversationInput, Message } from './types.js';
import { prepareInput, prepareMessage } from './validation.js';

/** A message list validated in one pass without serializing it, with the running digest of every prefix. */
export interface ScannedMessages {
  /** The given messages, validated but not copied: serialize the ones you store before the caller can change them. */
  messages: Message[];
  /** `digests[i]` fingerprints `messages[0..i)` (so `digests.length` is one more than the message count); see {@link scanMessages}. */
  digests: Float64Array;
}

// The running hash's two lanes (cyrb53) live in an Int32Array, not in module-level `let`s: where V8 compresses pointers
// (workerd, Chrome) a variable keeps only 31-bit integers unboxed, so each store of a lane allocated a number and the scan
// cost ~9x a JSON.stringify there (1.5x in Node). Made on first use, so the module has no side effect. `bound`: the size
// bound of the message being scanned.
let lanes: Int32Array | undefined;
let bound = 0;

const mix = (code: number): void => {
  const h = lanes!;
  h[0] = Math.imul(h[0]! ^ code, 2654435761);
  h[1] = Math.imul(h[1]! ^ code, 1597334677);
};

// Tags keep the encoding prefix-free: a value's kind and a text's length come before its content.
const TEXT = 0x10000;
const NUMBER = 0x10001;
const TRUE = 0x10002;
const FALSE = 0x10003;
const NULL = 0x10004;
const ARRAY = 0x10005;
const OBJECT = 0x10006;
const END = 0x10007;

// Two UTF-16 units per step (the text's length comes first, so an odd last unit is unambiguous): the hash runs at about the
// speed of JSON.stringify. As JSON a string takes at most 6 UTF-8 bytes per unit (\u escapes), plus quotes and a separator.
function text(tag: number, value: string): void {
  mix(tag);
  mix(value.length);
  const n = value.length;
  let i = 0;
  for (; i + 1 < n; i += 2) mix(value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16));
  if (i < n) mix(value.charCodeAt(i));
  bound += 6 * n + 3;
}

// Feeds one JSON value to the hash; false for anything `toJson` refuses (the caller then asks it why).
// A cycle recurses until it is deeper than JSON_DEPTH, so it is refused too.
function walk(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      text(TEXT, value);
      return true;
    case 'number':
      if (!Number.isFinite(value)) return false;
      text(NUMBER, String(value)); // the text JSON writes (-0 as 0, 1e21 as 1e+21)
      return true;
    case 'boolean':
      mix(value ? TRUE : FALSE);
      bound += 6;
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) {
    mix(NULL);
    bound += 5;
    return true;
  }
  if (depth > JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    mix(ARRAY);
    mix(value.length);
    bound += 2;
    for (let i = 0; i < value.length; i++) if (!walk(value[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  mix(OBJECT);
  bound += 2;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined) continue; // dropped, as JSON.stringify does
    text(TEXT, key);
    if (!walk(item, depth + 1)) return false;
  }
  mix(END);
  return true;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const goodId = (id: unknown): boolean =>
  typeof id === 'string' && id.length > 0 && id.length <= ID_LENGTH && !CONTROL.test(id);
const goodRole = (role: unknown): boolean => typeof role === 'string' && role.length > 0 && role.length <= 64;

/**
 * Validates a message list exactly as `prepareMessages` does (same rules, same VALIDATION messages) in one pass that
 * serializes nothing, and chains a 53-bit fingerprint (cyrb53) over the messages' JSON values: `digests[i + 1]` is the
 * fingerprint of message i seeded with `digests[i]`, and `digests[0]` is `seed` (0, or a stored digest to extend).
 * Equal digests mean equal JSON with near certainty (for change detection, not security); the same in every runtime.
 */
export function scanMessages(messages: unknown, seed = 0): ScannedMessages {
  if (!Array.isArray(messages)) invalid('messages must be an array');
  if (messages.length > MESSAGES_PER_WRITE) invalid(`at most ${MESSAGES_PER_WRITE} messages can be written at once`);
  const digests = new Float64Array(messages.length + 1);
  digests[0] = seed;
  const seen = new Set<string>();
  const h = (lanes ??= new Int32Array(2));
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    const previous = digests[i]!;
    h[0] = 0xdeadbeef ^ previous;
    h[1] = 0x41c6ce57 ^ Math.floor(previous / 4294967296);
    bound = 0;
    const ok = isPlainObject(message) && goodId(message.id) && goodRole(message.role) && walk(message, 0);
    // prepareMessage throws the precise error; over the size bound it measures the exact size.
    if (!ok || bound > MESSAGE_BYTES) prepareMessage(message, `messages[${i}]`);
    if (!ok) invalid(`messages[${i}] is not a storable message`); // not reached: prepareMessage refuses what walk refuses
    const id = (message as Message).id;
    if (seen.has(id)) invalid(`messages[${i}].id "${id}" appears twice`);
    seen.add(id);
    const h1 = Math.imul(h[0]! ^ (h[0]! >>> 16), 2246822507) ^ Math.imul(h[1]! ^ (h[1]! >>> 13), 3266489909);
    const h2 = Math.imul(h[1]! ^ (h[1]! >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    digests[i + 1] = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
  return { messages: messages as Message[], digests };
}

/** An upsert input validated with scanMessages. */
export interface ScannedInput extends Omit<ConversationInput, 'messages'> {
  messages: ScannedMessages;
}

/** prepareInput with the messages scanned instead of serialized: for a store that compares a stored digest and writes only the rest. */
export function scanInput(input: unknown): ScannedInput {
  // The other fields through prepareInput (given no messages to serialize), then the messages.
  const fields = prepareInput(isPlainObject(input) ? { ...input, messages: [] } : input);
  return { ...fields, messages: scanMessages((input as { messages: unknown }).messages) };
}
