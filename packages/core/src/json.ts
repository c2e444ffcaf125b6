import { ConversationStoreError } from './errors.js';
import { LIMITS } from './limits.js';

function fail(path: string, what: string): never {
  throw new ConversationStoreError('VALIDATION', `${path} ${what}; only JSON values (objects, arrays, strings, finite numbers, booleans, null) can be stored`);
}

function check(value: unknown, path: string, depth: number, seen: Set<object>): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, `is ${value}`);
    return;
  }
  if (typeof value !== 'object') fail(path, `is a ${typeof value}`);
  if (depth > LIMITS.jsonDepth) fail(path, `nests deeper than ${LIMITS.jsonDepth} levels`);
  if (seen.has(value)) fail(path, 'is a circular reference');
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item === undefined) fail(`${path}[${i}]`, 'is undefined');
      check(item, `${path}[${i}]`, depth + 1, seen);
    });
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) fail(path, `is a ${(value as object).constructor?.name ?? 'non-plain'} object`);
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) check(item, `${path}.${key}`, depth + 1, seen);
    }
  }
  seen.delete(value);
}

/** Serializes a JSON value after checking it is plain JSON; undefined object properties are dropped as JSON does. */
export function toJson(value: unknown, path: string): string {
  check(value, path, 0, new Set());
  return JSON.stringify(value);
}

/** UTF-8 byte length of a string without allocating. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A fast 53-bit hash (cyrb53) of a string as 14 hex chars; identical in every runtime, for change detection only. */
export function fingerprint(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
