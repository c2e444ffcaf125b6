// Helpers shared inside core; not exported from the package.
import { ConversationStoreError } from './errors.js';

/** Throws a VALIDATION error. */
export function invalid(message: string): never {
  throw new ConversationStoreError('VALIDATION', message);
}

/** True for `{}`-style objects (prototype Object.prototype or null): not arrays, class instances, Maps or Dates. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
