import {
  assertUserId,
  isConversationStoreError,
  type ConversationMeta,
  type ConversationStore,
  type ListPage,
  type Message,
} from '@agent-conversations/core';

/** Options of {@link importLocalHistory}. */
export interface ImportLocalHistoryOptions {
  /** The store holding the signed-out history, usually `createBrowserStore()`. */
  from: ConversationStore;
  /** The server store the signed-in user's history lives in. */
  to: ConversationStore;
  /** The signed-in user: owner of the copies on the server. */
  userId: string;
  /** The user id the local history was saved under (e.g. an anonymous id); defaults to `userId`. */
  fromUserId?: string;
  /** Delete each local copy once the server holds it (imported now or already there). Default false. */
  clearLocal?: boolean;
}

/** A conversation that was not copied, and why. */
export interface ImportIssue {
  id: string;
  reason: string;
}

/** What {@link importLocalHistory} did. */
export interface ImportLocalHistoryResult {
  /** Conversations copied to the server by this run. */
  imported: number;
  /** Conversations the server already held (an earlier run copied them); nothing was written. */
  skipped: number;
  /** Ids the server holds with different messages; both copies were left as they are. */
  conflicts: ImportIssue[];
  /** Conversations the server refused as invalid (VALIDATION); the local copy was kept. */
  rejected: ImportIssue[];
  /** Local copies deleted after the server acknowledged them (only with `clearLocal`). */
  cleared: number;
}

/** True when `remote` starts with exactly the `local` messages (an earlier import, maybe continued on the server). */
function holds(remote: readonly Message[], local: readonly Message[]): boolean {
  return local.every((m, i) => JSON.stringify(m) === JSON.stringify(remote[i])); // past the end of remote, stringify gives undefined
}

/**
 * Copies a signed-out user's local conversations to the server store on sign-in. Idempotent: create-only
 * writes (expectedVersion 0), and a conversation the server already holds is skipped. Conflicting ids are
 * reported, never overwritten. Local copies are deleted only with `clearLocal`, each after the server
 * acknowledged it, and only if it did not change meanwhile.
 */
export async function importLocalHistory({
  from,
  to,
  userId,
  fromUserId = userId,
  clearLocal = false,
}: ImportLocalHistoryOptions): Promise<ImportLocalHistoryResult> {
  assertUserId(userId);
  assertUserId(fromUserId);
  const result: ImportLocalHistoryResult = { imported: 0, skipped: 0, conflicts: [], rejected: [], cleared: 0 };
  // Every id first: clearing local copies while paging would shift the pages.
  const metas: ConversationMeta[] = [];
  let page: ListPage | undefined;
  do {
    page = await from.list(fromUserId, { limit: 200, cursor: page?.nextCursor ?? undefined });
    metas.push(...page.items);
  } while (page.nextCursor);
  for (const { id } of metas) {
    const local = await from.get(fromUserId, id);
    if (!local) continue;
    try {
      await to.upsert({ ...local, userId }, { expectedVersion: 0 });
      result.imported++;
    } catch (error) {
      const code = isConversationStoreError(error) ? error.code : null;
      if (code === 'VALIDATION') {
        result.rejected.push({ id, reason: (error as Error).message });
        continue;
      }
      if (code !== 'CONFLICT') throw error;
      const remote = await to.get(userId, id);
      if (!remote || !holds(remote.messages, local.messages)) {
        result.conflicts.push({
          id,
          reason: `the server has other messages under this id (${remote?.messageCount ?? 0} there, ${local.messageCount} here); both were kept`,
        });
        continue;
      }
      result.skipped++;
    }
    if (
      clearLocal &&
      (await from.get(fromUserId, id))?.version === local.version &&
      (await from.delete(fromUserId, id))
    )
      result.cleared++;
  }
  return result;
}
