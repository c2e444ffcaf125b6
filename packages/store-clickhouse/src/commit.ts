import { checkVersion, ConversationStoreError, isConversationStoreError } from '@agent-conversations/core';
import { cached, keyOf, readSnapshot, remember, serialized, type StoreInternals } from './context.js';
import { ADAPTER } from './errors.js';
import { confirmQuery, KIND } from './queries.js';
import { row, type Head, type Row, type Snapshot } from './state.js';

/** What one attempt of a write inserts, and what it returns when it wins. */
export interface Planned<T> {
  rows: Row[];
  /** The head after the write (null: the conversation is gone), for the state cache. */
  head: Head | null;
  /** Message ids after the write, when known. */
  ids?: ReadonlySet<string>;
  result: T;
}

/** One write to one conversation: how to turn the state it starts from into rows. */
export interface WriteOp<T> {
  what: string;
  expectedVersion?: number;
  /** The conversation must exist: NOT_FOUND comes before any version check. */
  existing?: boolean;
  /** Message ids whose presence the plan needs to know (append's duplicate check). */
  ids?: readonly string[];
  /** Builds the rows for `slot` from `state`; throws NOT_FOUND, CONFLICT or VALIDATION to refuse. */
  plan(state: Snapshot, slot: number, writeId: string): Promise<Planned<T>> | Planned<T>;
  /** The result when the state shows this write already landed (an earlier attempt won but its confirmation was lost). */
  landed(head: Head): T;
  /** A write that changes nothing (delete of a missing conversation) returns this without inserting. */
  noop?(state: Snapshot): T | undefined;
}

function conflict(id: string, message: string): ConversationStoreError {
  return new ConversationStoreError('CONFLICT', message.replace('%id', id), { adapter: ADAPTER, retryable: true });
}

/** The deduplication token of a slot: of every insert naming it, ClickHouse keeps only the first block. The same hex SHA-256 as
 * earlier versions (node:crypto), so old and new instances during a rolling deploy race for a slot with the same token. */
export async function slotToken(ctx: StoreInternals, userId: string, id: string, slot: number): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(JSON.stringify([ctx.db.table.display, userId, id, slot])),
  );
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function won(ctx: StoreInternals, userId: string, id: string, slot: number, writeId: string): Promise<boolean> {
  const rows = await ctx.db.rows<{ body: string }>('confirming a write', confirmQuery(ctx.db.table), {
    u: userId,
    c: id,
    s: slot,
  });
  return rows.some((r) => r.body === writeId);
}

/**
 * Runs one write as a compare-and-set on the conversation's next slot: read the state (or take it from
 * the cache), build the rows, insert them as one block whose deduplication token names the slot, then
 * read the slot's event back. ClickHouse stores only the first block per token, so of concurrent writers
 * that started from the same state exactly one wins; the others wrote nothing. A loser with expectedVersion
 * gets CONFLICT; one without starts over from a fresh read, up to the retry budget.
 */
export function write<T>(ctx: StoreInternals, userId: string, id: string, op: WriteOp<T>): Promise<T> {
  return serialized(ctx, userId, id, async () => {
    await ctx.ready();
    const writeId = crypto.randomUUID();
    let attempts = 0;
    for (;;) {
      const hint = cached(ctx, userId, id, op.ids !== undefined);
      const state = hint ?? (await readSnapshot(ctx, userId, id, op.ids));
      if (state.head?.writeId === writeId) return op.landed(state.head);
      let planned: Planned<T>;
      try {
        const skip = op.noop?.(state);
        if (skip !== undefined && !hint) return skip;
        if (skip !== undefined)
          throw new ConversationStoreError('NOT_FOUND', 'cached state says gone; read again', { adapter: ADAPTER });
        if (op.existing && !state.head)
          throw new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, {
            adapter: ADAPTER,
          });
        checkVersion(op.expectedVersion, state.head?.version ?? 0, ADAPTER);
        planned = await op.plan(state, state.slot + 1, writeId);
      } catch (error) {
        // A refusal based on a cached state is checked again against a fresh read.
        if (hint && isConversationStoreError(error)) {
          ctx.cache.delete(keyOf(userId, id));
          continue;
        }
        throw error;
      }
      const slot = state.slot + 1;
      const event = row(userId, id, KIND.event, slot, slot, { updated_at: ctx.now(), body: writeId });
      const token = await slotToken(ctx, userId, id, slot);
      await ctx.db.insert(op.what, ctx.db.table, [...planned.rows, event], {
        ...ctx.insertSettings,
        async_insert: 0,
        insert_deduplication_token: token,
      });
      if (await won(ctx, userId, id, slot, writeId)) {
        remember(ctx, userId, id, {
          slot,
          head: planned.head,
          ids: planned.ids ?? new Set(),
          allIds: planned.ids !== undefined,
        });
        return planned.result;
      }
      ctx.cache.delete(keyOf(userId, id));
      if (hint) continue; // the cached state was stale: start over from a read, without spending the budget
      attempts += 1;
      if (op.expectedVersion !== undefined)
        throw conflict(
          id,
          `another writer changed conversation "%id" at version ${op.expectedVersion} first; reload it and retry`,
        );
      if (attempts >= ctx.policy.attempts)
        throw conflict(id, `conversation "%id" kept changing under this write (${attempts} attempts); retry it`);
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempts));
    }
  });
}
