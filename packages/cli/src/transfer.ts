import { isConversationStoreError, type ConversationStore } from '@agent-conversations/core';
import { allUsers, checkHeader, EXPORT_HEADER, toExportLine, userConversations, writeConversation } from './jsonl.js';
import { parseLine } from './lines.js';

/** Which users to move: a list, or every user the store can enumerate. */
export type UserSelection = { userIds: string[] } | { all: true };

/** The users of a selection in ascending order, after `after` when given. */
export async function* selectedUsers(
  store: ConversationStore,
  selection: UserSelection,
  after?: string,
): AsyncGenerator<string> {
  if ('all' in selection) yield* allUsers(store, after);
  else yield* [...new Set(selection.userIds)].sort().filter((u) => after === undefined || u > after);
}

/** How many users a selection holds (a listUsers pass for `all`, no conversations read). */
export async function countUsers(store: ConversationStore, selection: UserSelection): Promise<number> {
  if (!('all' in selection)) return new Set(selection.userIds).size;
  let count = 0;
  for await (const _ of allUsers(store)) count += 1;
  return count;
}

/** Streams an export: the header line, then one conversation per line; `write` should wait for backpressure. */
export async function exportConversations(
  store: ConversationStore,
  selection: UserSelection,
  write: (line: string) => Promise<void>,
  onUser?: (userId: string, counts: { users: number; conversations: number }) => void,
): Promise<{ users: number; conversations: number }> {
  await write(JSON.stringify(EXPORT_HEADER));
  const counts = { users: 0, conversations: 0 };
  for await (const userId of selectedUsers(store, selection)) {
    for await (const conversation of userConversations(store, userId)) {
      await write(toExportLine(conversation));
      counts.conversations += 1;
    }
    counts.users += 1;
    onUser?.(userId, counts);
  }
  return counts;
}

/** What an import did. `read` = written + skipped + bad + failed; `skipped` counts already-there, conflicts and other users' lines. */
export interface ImportResult {
  /** Conversation lines read (the header and blank lines not counted). */
  read: number;
  written: number;
  skipped: number;
  bad: number;
  failed: number;
  /** Of `skipped`: identical conversations already in the store. */
  alreadyThere: number;
  /** Of `skipped`: a different conversation with the same id exists; left as it is. */
  conflicts: number;
  /** Of `skipped`: lines of users not given with `users`. */
  otherUsers: number;
}

/** One line import reports: bad input, a failed write or a conflict. */
export interface LineProblem {
  line: number;
  kind: 'bad' | 'failed' | 'conflict';
  reason: string;
  userId?: string;
  id?: string;
}

/** Options of importConversations and validateExport. */
export interface ImportOptions {
  /** Import only these users' lines; lines of other users are skipped (counted in `otherUsers`), never rewritten. */
  users?: readonly string[];
  /** Called for every reported line, as it happens. */
  onProblem?(problem: LineProblem): void;
  /** Called after every conversation line. */
  onLine?(result: ImportResult): void;
}

/** The conversation lines of an export with their 1-based numbers: line 1 is checked as the header (a UTF-8 BOM removed), blank lines are left out. */
async function* numbered(lines: AsyncIterable<string>): AsyncGenerator<{ number: number; text: string }> {
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (number === 1) checkHeader(text.replace(/^\uFEFF/, ''));
    else if (text.trim()) yield { number, text };
  }
  if (number === 0) checkHeader(undefined);
}

/**
 * Reads a whole export without writing anything and returns the first bad line (null when every line is good):
 * what `import --strict` runs first. Streams: one line at a time.
 */
export async function validateExport(lines: AsyncIterable<string>): Promise<LineProblem | null> {
  for await (const { number, text } of numbered(lines)) {
    const parsed = parseLine(text);
    if (!parsed.ok) return { line: number, kind: 'bad', reason: parsed.reason };
  }
  return null;
}

/**
 * Imports an export stream line by line: each conversation is created only if it does not exist (an identical one is
 * skipped, a different one is a conflict left as it is). A bad line or a failed write is reported with its line
 * number and the run goes on. A bad header (or a newer format) throws before anything is written.
 */
export async function importConversations(
  store: ConversationStore,
  lines: AsyncIterable<string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const result: ImportResult = {
    read: 0,
    written: 0,
    skipped: 0,
    bad: 0,
    failed: 0,
    alreadyThere: 0,
    conflicts: 0,
    otherUsers: 0,
  };
  const only = options.users?.length ? new Set(options.users) : undefined;
  const report = (problem: LineProblem): void => options.onProblem?.(problem);
  for await (const { number, text } of numbered(lines)) {
    result.read += 1;
    // The store checks the rest as it writes (a VALIDATION error is a bad line); checking it here too would do it twice.
    const parsed = parseLine(text, 'shape');
    if (!parsed.ok) {
      result.bad += 1;
      report({ line: number, kind: 'bad', reason: parsed.reason });
    } else if (only && typeof parsed.conversation.userId === 'string' && !only.has(parsed.conversation.userId)) {
      result.skipped += 1;
      result.otherUsers += 1;
    } else {
      const { userId, id } = parsed.conversation;
      try {
        const outcome = await writeConversation(store, parsed.conversation);
        if (outcome === 'copied') result.written += 1;
        else {
          result.skipped += 1;
          if (outcome === 'skipped') result.alreadyThere += 1;
          else {
            result.conflicts += 1;
            report({
              line: number,
              kind: 'conflict',
              userId,
              id,
              reason: 'a different conversation with this id exists; left as it is',
            });
          }
        }
      } catch (error) {
        if (!isConversationStoreError(error)) throw error;
        const bad = error.code === 'VALIDATION';
        result[bad ? 'bad' : 'failed'] += 1;
        report({ line: number, kind: bad ? 'bad' : 'failed', userId, id, reason: `${error.code}: ${error.message}` });
      }
    }
    options.onLine?.(result);
  }
  return result;
}
