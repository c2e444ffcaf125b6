import { isConversationStoreError, prepareInput } from '@agent-conversations/core';
import type { ExportedConversation } from './jsonl.js';

/**
 * The lines of a text stream, read chunk by chunk as they are consumed (only the current chunk is held, so a file
 * of any size streams), `\r\n` or `\n` endings. Pass a stream with `setEncoding('utf8')` or one that yields strings.
 */
export async function* readLines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    rest += chunk;
    let start = 0;
    for (let end = rest.indexOf('\n'); end !== -1; end = rest.indexOf('\n', start)) {
      yield rest.slice(start, end > start && rest[end - 1] === '\r' ? end - 1 : end);
      start = end + 1;
    }
    rest = rest.slice(start);
  }
  if (rest) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/** A line of an export file that is either a conversation or the reason it is not one. */
export type ParsedLine = { ok: true; conversation: ExportedConversation } | { ok: false; reason: string };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/**
 * Parses one conversation line; never throws for bad input. `check: 'shape'` only makes sure it is a JSON object (the
 * store validates the rest when it writes, with the same rules); `'full'` also applies those rules here (for --strict).
 */
export function parseLine(text: string, check: 'shape' | 'full' = 'full'): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: `expected a conversation object, got ${describe(value)}` };
  if (check === 'shape') return { ok: true, conversation: value as ExportedConversation };
  try {
    prepareInput(value);
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    return { ok: false, reason: error.message };
  }
  return { ok: true, conversation: value as ExportedConversation };
}
