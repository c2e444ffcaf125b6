import {
  isConversationStoreError,
  type ConversationMeta,
  type ConversationStore,
  type StoredConversation,
} from '@agent-conversations/core';
import { userConversations, userMetas, writeConversation } from './jsonl.js';
import { selectedUsers, type UserSelection } from './transfer.js';

/** Counts of a copy; `conflicts` lists what was left as it is, `failures` what could not be written (retried on resume). */
export interface CopyResult {
  users: number;
  copied: number;
  skipped: number;
  conflicts: { userId: string; id: string; reason: string }[];
  failures: { userId: string; id: string; reason: string }[];
  /** The closing check: source conversations whose id and version (updatedAt, message count) the destination lacks. */
  mismatches: { userId: string; id: string; reason: string }[];
  /** How many source conversations the closing check compared in this run. */
  checked: number;
  /** True when the copy went on from a saved checkpoint. */
  resumed: boolean;
}

/** Where `copyConversations` keeps its progress, so an interrupted copy resumes. */
export interface CopyCheckpoint {
  /** The last user whose conversations were all attempted (users go in ascending order). */
  lastUser?: string;
  users: number;
  copied: number;
  skipped: number;
  conflicts: CopyResult['conflicts'];
  /** Conversations whose write failed: a resumed copy retries them first. */
  failures: CopyResult['failures'];
}

export interface CopyOptions {
  from: ConversationStore;
  to: ConversationStore;
  selection: UserSelection;
  /** Loads the saved checkpoint (null to start over) and saves a new one after every user. */
  checkpoint?: { load(): Promise<CopyCheckpoint | null>; save(checkpoint: CopyCheckpoint): Promise<void> };
  /** Called once when a saved checkpoint is found, before anything is copied. */
  onResume?(checkpoint: CopyCheckpoint): void;
  onUser?(userId: string, result: CopyResult): void;
}

/** A conversation's version for the closing check: store version counters differ between stores, timestamps and counts travel. */
const versionOf = (c: Pick<ConversationMeta, 'updatedAt' | 'messageCount'>): string =>
  `updatedAt ${c.updatedAt}, ${c.messageCount} messages`;

/** Compares every source conversation of a user with the destination by id and version; reported ones are left out. */
async function checkUser(
  from: ConversationStore,
  to: ConversationStore,
  userId: string,
  reported: Set<string>,
): Promise<{ checked: number; mismatches: CopyResult['mismatches'] }> {
  const destination = new Map<string, string>();
  for await (const meta of userMetas(to, userId)) destination.set(meta.id, versionOf(meta));
  const mismatches: CopyResult['mismatches'] = [];
  let checked = 0;
  for await (const meta of userMetas(from, userId)) {
    checked += 1;
    if (reported.has(meta.id)) continue;
    const there = destination.get(meta.id);
    if (there === undefined) mismatches.push({ userId, id: meta.id, reason: 'missing in the destination' });
    else if (there !== versionOf(meta))
      mismatches.push({ userId, id: meta.id, reason: `source has ${versionOf(meta)}, destination ${there}` });
  }
  return { checked, mismatches };
}

/**
 * Copies conversations user by user, create-only (identical ones are skipped, different ones reported as conflicts),
 * saving a checkpoint after every user. A resumed copy first retries what failed before, then goes on after the last
 * user. After each user it compares the ids and versions of both sides.
 */
export async function copyConversations(options: CopyOptions): Promise<CopyResult> {
  const { from, to } = options;
  const saved = (await options.checkpoint?.load()) ?? null;
  if (saved) options.onResume?.(saved);
  const result: CopyResult = {
    users: saved?.users ?? 0,
    copied: saved?.copied ?? 0,
    skipped: saved?.skipped ?? 0,
    conflicts: [...(saved?.conflicts ?? [])],
    failures: [],
    mismatches: [],
    checked: 0,
    resumed: saved !== null,
  };
  const write = async (userId: string, conversation: StoredConversation): Promise<void> => {
    try {
      const outcome = await writeConversation(to, conversation);
      if (outcome === 'conflict')
        result.conflicts.push({
          userId,
          id: conversation.id,
          reason: 'a different conversation with this id exists in the destination; left as it is',
        });
      else result[outcome] += 1;
    } catch (error) {
      if (!isConversationStoreError(error)) throw error;
      result.failures.push({ userId, id: conversation.id, reason: `${error.code}: ${error.message}` });
    }
  };
  const save = (lastUser: string | undefined): Promise<void> | undefined =>
    options.checkpoint?.save({
      lastUser,
      users: result.users,
      copied: result.copied,
      skipped: result.skipped,
      conflicts: result.conflicts,
      failures: result.failures,
    });

  // What failed before, first.
  for (const failure of saved?.failures ?? []) {
    const conversation = await from.get(failure.userId, failure.id);
    if (!conversation) continue; // deleted in the source since
    await write(failure.userId, conversation);
    result.checked += 1;
    const there = await to.get(failure.userId, failure.id);
    if (
      there &&
      versionOf(there) !== versionOf(conversation) &&
      !result.conflicts.some((c) => c.userId === failure.userId && c.id === failure.id)
    ) {
      result.mismatches.push({
        userId: failure.userId,
        id: failure.id,
        reason: `source has ${versionOf(conversation)}, destination ${versionOf(there)}`,
      });
    }
  }
  if (saved?.failures.length) await save(saved.lastUser);

  for await (const userId of selectedUsers(from, options.selection, saved?.lastUser)) {
    for await (const conversation of userConversations(from, userId)) await write(userId, conversation);
    const reported = new Set(
      [...result.conflicts, ...result.failures].filter((c) => c.userId === userId).map((c) => c.id),
    );
    const check = await checkUser(from, to, userId, reported);
    result.checked += check.checked;
    result.mismatches.push(...check.mismatches);
    result.users += 1;
    await save(userId);
    options.onUser?.(userId, result);
  }
  return result;
}
