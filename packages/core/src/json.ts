import { JSON_DEPTH } from './limits.js';
import { invalid, isPlainObject } from './internal.js';

// The keys from the root to the value being checked; the path text is only built for an error.
type Keys = (string | number)[];

function fail(path: string, keys: Keys, what: string): never {
  invalid(`${path}${keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')} ${what}; only JSON (objects, arrays, strings, finite numbers, booleans, null) can be stored`);
}

function check(value: unknown, path: string, keys: Keys, seen: Set<unknown>): void {
  const type = typeof value;
  if (value === null || type === 'string' || type === 'boolean' || Number.isFinite(value)) return;
  // Left: NaN, Infinity, undefined (in an array), bigint, function, symbol, or an object to look into.
  if (type !== 'object') fail(path, keys, type === 'number' || value === undefined ? `is ${value}` : `is a ${type}`);
  if (keys.length > JSON_DEPTH) fail(path, keys, `nests deeper than ${JSON_DEPTH} levels`);
  if (seen.has(value)) fail(path, keys, 'is a circular reference');
  seen.add(value);
  const array = Array.isArray(value);
  if (!array && !isPlainObject(value)) fail(path, keys, `is a ${(value as object).constructor?.name ?? 'non-plain'} object`);
  const object = value as Record<string, unknown>;
  for (const key of array ? (value as unknown[]).keys() : Object.keys(object)) {
    const item = object[key];
    if (item === undefined && !array) continue;
    keys.push(key);
    check(item, path, keys, seen);
    keys.pop();
  }
  seen.delete(value);
}

/** Serializes a JSON value after checking it is plain JSON; undefined object properties are dropped as JSON does. */
export function toJson(value: unknown, path: string): string {
  check(value, path, [], new Set());
  return JSON.stringify(value);
}

/** UTF-8 byte length of a string (a lone surrogate counts 3 bytes, as it is stored as U+FFFD). */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
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
