import { isConversationStoreError, type ConversationStore } from '@agent-conversations/core';
import { allUsers, checkHeader, countConversations, EXPORT_HEADER, toExportLine, userConversations, writeConversation, type ExportedConversation } from './jsonl.js';

/** Which users to move: a list, or every user the store can enumerate. */
export type UserSelection = { userIds: string[] } | { all: true };

/** Counts of a transfer; `conflicts` lists what was reported, not overwritten. */
export interface TransferResult {
  users: number;
  copied: number;
  skipped: number;
  failed: number;
  conflicts: { userId: string; id: string; reason: string }[];
}

const emptyResult = (): TransferResult => ({ users: 0, copied: 0, skipped: 0, failed: 0, conflicts: [] });

async function* selectedUsers(store: ConversationStore, selection: UserSelection, after?: string): AsyncGenerator<string> {
  if ('all' in selection) yield* allUsers(store, after);
  else yield* [...selection.userIds].sort().filter((u) => after === undefined || u > after);
}

/** Streams an export: the header line, then one conversation per line; `write` should wait for backpressure. */
export async function exportConversations(store: ConversationStore, selection: UserSelection, write: (line: string) => Promise<void>): Promise<{ users: number; conversations: number }> {
  await write(JSON.stringify(EXPORT_HEADER));
  let users = 0;
  let conversations = 0;
  for await (const userId of selectedUsers(store, selection)) {
    users += 1;
    for await (const conversation of userConversations(store, userId)) {
      await write(toExportLine(conversation));
      conversations += 1;
    }
  }
  return { users, conversations };
}

/** Imports an export stream line by line: idempotent (existing identical conversations are skipped), conflicts reported. */
export async function importConversations(store: ConversationStore, lines: AsyncIterable<string>, onLine?: (result: TransferResult) => void): Promise<TransferResult> {
  const result = emptyResult();
  const users = new Set<string>();
  let first = true;
  for await (const line of lines) {
    if (first) {
      checkHeader(line);
      first = false;
      continue;
    }
    if (!line.trim()) continue;
    const conversation = JSON.parse(line) as ExportedConversation;
    users.add(conversation.userId);
    try {
      const outcome = await writeConversation(store, conversation);
      if (outcome === 'conflict') result.conflicts.push({ userId: conversation.userId, id: conversation.id, reason: 'a different conversation with this id exists; left as it is' });
      else result[outcome] += 1;
    } catch (error) {
      if (!isConversationStoreError(error)) throw error;
      result.failed += 1;
      result.conflicts.push({ userId: conversation.userId, id: conversation.id, reason: `failed: ${error.code}: ${error.message}` });
    }
    result.users = users.size;
    onLine?.(result);
  }
  if (first) checkHeader(undefined);
  return result;
}

/** Where `copyConversations` keeps its progress, so an interrupted copy resumes. */
export interface CopyCheckpoint {
  /** The last user whose conversations were all copied (users go in ascending order). */
  lastUser?: string;
  result: TransferResult;
}

export interface CopyOptions {
  from: ConversationStore;
  to: ConversationStore;
  selection: UserSelection;
  /** Loads the saved checkpoint (null to start over) and saves a new one after every user. */
  checkpoint?: { load(): Promise<CopyCheckpoint | null>; save(checkpoint: CopyCheckpoint): Promise<void> };
  onUser?(userId: string, result: TransferResult): void;
}

/** Copies conversations user by user, resumable from its checkpoint, idempotent, then checks the counts per user. */
export async function copyConversations(options: CopyOptions): Promise<TransferResult & { mismatches: { userId: string; source: number; destination: number }[] }> {
  const saved = (await options.checkpoint?.load()) ?? null;
  const result = saved?.result ?? emptyResult();
  const mismatches: { userId: string; source: number; destination: number }[] = [];
  for await (const userId of selectedUsers(options.from, options.selection, saved?.lastUser)) {
    let sourceCount = 0;
    for await (const conversation of userConversations(options.from, userId)) {
      sourceCount += 1;
      try {
        const outcome = await writeConversation(options.to, conversation);
        if (outcome === 'conflict') result.conflicts.push({ userId, id: conversation.id, reason: 'a different conversation with this id exists in the destination; left as it is' });
        else result[outcome] += 1;
      } catch (error) {
        if (!isConversationStoreError(error)) throw error;
        result.failed += 1;
        result.conflicts.push({ userId, id: conversation.id, reason: `failed: ${error.code}: ${error.message}` });
      }
    }
    const destinationCount = await countConversations(options.to, userId);
    if (destinationCount < sourceCount) mismatches.push({ userId, source: sourceCount, destination: destinationCount });
    result.users += 1;
    await options.checkpoint?.save({ lastUser: userId, result });
    options.onUser?.(userId, result);
  }
  return { ...result, mismatches };
}
