import { sha256 } from '@noble/hashes/sha2';

type NodeHash = (algorithm: 'sha256', data: string, encoding: 'base64') => string;

/** SHA-256 of a string's UTF-8 bytes, base64, in plain JavaScript: for runtimes without `node:crypto` (Workers without nodejs_compat, browsers). */
export function sha256Base64Js(text: string): string {
  let binary = '';
  for (const byte of sha256(new TextEncoder().encode(text))) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// node:crypto's one-shot hash where the runtime has it (Node >= 20.16, Bun, Deno, Workers with nodejs_compat): several times
// faster than JavaScript. Found at run time, not imported, so a Worker or browser bundle carries no node: import.
const builtin = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => { hash?: NodeHash } | undefined } }
).process?.getBuiltinModule?.('node:crypto')?.hash;

/** SHA-256 of a string's UTF-8 bytes, base64 (44 characters): the same digest in every runtime. */
export const sha256Base64: (text: string) => string = builtin
  ? (text) => builtin('sha256', text, 'base64')
  : sha256Base64Js;
