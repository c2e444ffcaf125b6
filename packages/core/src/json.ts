import { JSON_DEPTH } from './limits.js';
import { invalid, isPlainObject } from './internal.js';

function fail(path: string, what: string): never {
  invalid(`${path} ${what}; only JSON (objects, arrays, strings, finite numbers, booleans, null) can be stored`);
}

function check(value: unknown, path: string, depth: number, seen: Set<unknown>): void {
  const type = typeof value;
  if (value === null || type === 'string' || type === 'boolean' || Number.isFinite(value)) return;
  // Left: NaN, Infinity, undefined (in an array), bigint, function, symbol, or an object to look into.
  if (type !== 'object') fail(path, type === 'number' || value === undefined ? `is ${value}` : `is a ${type}`);
  if (depth > JSON_DEPTH) fail(path, `nests deeper than ${JSON_DEPTH} levels`);
  if (seen.has(value)) fail(path, 'is a circular reference');
  seen.add(value);
  if (Array.isArray(value)) {
    // Every index, holes included (a hole would come back as null, like undefined).
    for (let i = 0; i < value.length; i++) check(value[i], `${path}[${i}]`, depth + 1, seen);
  } else {
    if (!isPlainObject(value)) fail(path, `is a ${(value as object).constructor?.name ?? 'non-plain'} object`);
    for (const [key, item] of Object.entries(value)) {
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
