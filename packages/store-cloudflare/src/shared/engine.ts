import {
  assertConversationId,
  assertUtf8UserId,
  checkVersion,
  ConversationStoreError,
  DEFAULT_TITLE,
  defaultTitle,
  encodeCursor,
  fingerprint,
  parseListOptions,
  prepareMessage,
  prepareMessages,
  preparePatch,
  scanInput,
  upsertedMeta,
  validateExpectedVersion,
  validateUsage,
  type AppendOptions,
  type ScannedInput,
  type ConversationInput,
  type ConversationMeta,
  type ConversationPatch,
  type ConversationStore,
  type ListOptions,
  type ListPage,
  type MessageInput,
  type PreparedMessage,
  type StoredConversation,
  type WriteOptions,
} from '@agent-conversations/core';
import { column, rowToMeta } from './rows.js';
import type { Row, SqlRunner } from './runner.js';
import {
  appendConversation,
  deleteConversation,
  extendConversation,
  deleteMessagesFrom,
  deleteUser,
  insertConversation,
  insertMessages,
  listConversations,
  patchConversation,
  replaceConversation,
  selectFingerprints,
  selectMessageIds,
  selectMessages,
  selectMeta,
  selectTailFingerprints,
  selectUpsertState,
  type ExtendChange,
  type MessageRow,
} from './statements.js';

/** Options of the SQLite-backed store shared by D1 and the Durable Object. */
export interface SqlStoreOptions {
  kind: 'd1' | 'durable-object';
  /** Clock for timestamps (tests). Defaults to Date.now. */
  now?: () => number;
}

/** The store plus a reader that returns a conversation as JSON text exactly as stored (for the Durable Object's RPC). */
export interface SqlConversationStore extends ConversationStore {
  /** The conversation with its messages as one JSON text, or null. */
  getText(userId: string, id: string): Promise<string | null>;
  /** The upsert of an already validated input in one batch when the stored messages are its messages minus at most its last
   * few; null (nothing written) otherwise: then call `upsert`. */
  extend(change: ExtendChange): Promise<ConversationMeta | null>;
}

/** Attempts of an upsert without expectedVersion when other writers keep changing the conversation between its read and write. */
const UPSERT_ATTEMPTS = 8;

const toRows = (messages: readonly PreparedMessage[]): MessageRow[] =>
  messages.map((m) => ({ id: m.message.id, fingerprint: fingerprint(m.json), json: m.json }));

function firstChanged(stored: readonly string[], incoming: readonly MessageRow[]): number {
  const n = Math.min(stored.length, incoming.length);
  for (let i = 0; i < n; i++) if (stored[i] !== incoming[i]!.fingerprint) return i;
  return n;
}

/** How many given messages are the stored ones, unchanged: all `count` when the stored digest covers the first `prefixCount` and
 * the fingerprints `tail` the rest; null when the given list does not start with the stored messages (or might not). */
function unchangedPrefix(
  input: ScannedInput,
  count: number,
  prefixCount: number,
  storedDigest: unknown,
  tail: readonly string[],
): number | null {
  const { messages, digests } = input.messages;
  if (count > messages.length || tail.length !== count - prefixCount) return null;
  if (prefixCount > 0 && digests[prefixCount] !== storedDigest) return null;
  for (let i = prefixCount; i < count; i++)
    if (fingerprint(prepareMessage(messages[i]).json) !== tail[i - prefixCount]) return null;
  return count;
}

/** How many of the last messages the one-batch upsert sends: a turn of the AI SDK adds two (the user's and the reply). */
const TAIL_WINDOW = 8;

/** The one-batch upsert of a scanned input: its digests at the counts the stored list may have, and its last TAIL_WINDOW messages. */
export function extendChange(input: ScannedInput, expectedVersion: number | undefined): ExtendChange {
  const { messages, digests } = input.messages;
  const from = Math.max(0, messages.length - TAIL_WINDOW);
  return {
    userId: input.userId,
    id: input.id,
    from,
    digests: Array.from(digests.subarray(from)),
    tail: toRows(messages.slice(from).map((m) => prepareMessage(m))),
    title: input.title,
    placeholderTitle: DEFAULT_TITLE,
    defaultTitle: defaultTitle(messages),
    model: input.model,
    provider: input.provider,
    usage: input.usage,
    metadata: input.metadata,
    updatedAt: input.updatedAt,
    expectedVersion,
  };
}

/** A ConversationStore over SQLite statements; every write is one atomic transaction and every query is scoped by user. */
export function createSqlStore(runner: SqlRunner, options: SqlStoreOptions): SqlConversationStore {
  const adapter = options.kind;
  const now = options.now ?? Date.now;
  const token = (): string => crypto.randomUUID();

  const readMeta = async (userId: string, id: string): Promise<ConversationMeta | undefined> => {
    const [rows] = await runner.read([selectMeta(userId, id)]);
    return rows?.[0] ? rowToMeta(rows[0]) : undefined;
  };

  /** After a conditional write matched no row: NOT_FOUND when missing, else CONFLICT on the version. Without expectedVersion the
   * write's only condition is that the conversation exists, so a miss means it did not when the write ran (one created since
   * does not turn the miss into a CONFLICT). */
  const explainMiss = async (userId: string, id: string, expected: number | undefined): Promise<never> => {
    const meta = expected === undefined ? undefined : await readMeta(userId, id);
    if (!meta)
      throw new ConversationStoreError('NOT_FOUND', `conversation "${id}" does not exist for this user`, { adapter });
    checkVersion(expected, meta.version, adapter);
    throw new ConversationStoreError('CONFLICT', `conversation "${id}" changed while it was being written; retry`, {
      adapter,
      retryable: true,
    });
  };

  /** The upsert as one batch with no read when the stored list is the given one minus at most its tail; null when it is not (nothing written). */
  const extend = async (change: ExtendChange): Promise<ConversationMeta | null> => {
    const results = await runner.write(extendConversation(change, now()));
    const row = results[results.length - 1]?.[0];
    return row ? rowToMeta(row) : null;
  };

  const getText = async (userId: string, id: string): Promise<string | null> => {
    assertUtf8UserId(userId, 'SQLite');
    assertConversationId(id);
    const [metaRows = [], messageRows = []] = await runner.read([selectMeta(userId, id), selectMessages(userId, id)]);
    if (!metaRows[0]) return null;
    const meta = JSON.stringify(rowToMeta(metaRows[0]));
    return `${meta.slice(0, -1)},"messages":[${column(messageRows, 'data').join(',')}]}`;
  };

  return {
    kind: options.kind,
    persistent: true,
    getText,
    extend,

    async list(userId: string, opts?: ListOptions): Promise<ListPage> {
      assertUtf8UserId(userId, 'SQLite');
      const parsed = parseListOptions(opts);
      const [rows = []] = await runner.read([listConversations(userId, parsed)]);
      const items = rows.slice(0, parsed.limit).map(rowToMeta);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > parsed.limit && last ? encodeCursor(last) : null };
    },

    async get(userId: string, id: string): Promise<StoredConversation | null> {
      const text = await getText(userId, id);
      return text === null ? null : (JSON.parse(text) as StoredConversation);
    },

    async upsert(raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
      const input = scanInput(raw);
      assertUtf8UserId(input.userId, 'SQLite');
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const { userId, id } = input;
      const { messages, digests } = input.messages;
      const fallbackTitle = defaultTitle(messages);
      const extended = await extend(extendChange(input, expected));
      if (extended) return extended;
      let all: MessageRow[] | undefined; // every message, prepared only when the digest does not decide
      for (let attempt = 1; ; attempt++) {
        const [stateRows = [], tail = []] = await runner.read([
          selectUpsertState(userId, id),
          selectTailFingerprints(userId, id),
        ]);
        const state = stateRows[0];
        const existing = state ? rowToMeta(state) : undefined;
        checkVersion(expected, existing?.version ?? 0, adapter);
        let start = existing
          ? unchangedPrefix(
              input,
              existing.messageCount,
              Number(state!.prefix_count),
              state!.prefix_digest,
              column(tail, 'fingerprint'),
            )
          : 0;
        if (start === null) {
          // An earlier message changed (or the list is shorter): compare message by message.
          all ??= toRows(prepareMessages(messages));
          const [stored = []] = await runner.read([selectFingerprints(userId, id)]);
          start = firstChanged(column(stored, 'fingerprint'), all);
        }
        const rows = all ? all.slice(start) : toRows(messages.slice(start).map((m) => prepareMessage(m)));
        const time = input.updatedAt ?? (existing ? Math.max(now(), existing.updatedAt) : now());
        const meta = upsertedMeta(input, existing, time);
        const write = token();
        const digest = digests[messages.length]!;
        const head = existing
          ? replaceConversation(meta, fallbackTitle, digest, existing.version, write)
          : insertConversation(meta, fallbackTitle, digest, write);
        // The version check makes the batch a no-op when the conversation changed since the read: no stored message is at or after
        // `start` unless the list is shorter or changed.
        const drop = existing && start < existing.messageCount ? [deleteMessagesFrom(userId, id, start, write)] : [];
        const [written = []] = await runner.write([head, ...drop, ...insertMessages(userId, id, rows, start, write)]);
        if (written.length > 0) return meta;
        if (expected !== undefined) {
          const current = await readMeta(userId, id);
          checkVersion(expected, current?.version ?? 0, adapter);
        }
        if (attempt >= UPSERT_ATTEMPTS) {
          throw new ConversationStoreError(
            'CONFLICT',
            `conversation "${id}" kept changing while it was being saved; retry`,
            { adapter, retryable: true },
          );
        }
      }
    },

    async append(userId: string, id: string, raw: MessageInput[], opts?: AppendOptions): Promise<ConversationMeta> {
      assertUtf8UserId(userId, 'SQLite');
      assertConversationId(id);
      const prepared = prepareMessages(raw, { allowEmpty: false });
      const delta = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const write = token();
      const rows = toRows(prepared);
      const head = appendConversation({
        userId,
        id,
        count: rows.length,
        candidateTitle: defaultTitle(prepared.map((m) => m.message)),
        placeholderTitle: DEFAULT_TITLE,
        delta,
        now: now(),
        expectedVersion: expected,
        token: write,
      });
      let written: Row[];
      try {
        [written = []] = await runner.write([head, ...insertMessages(userId, id, rows, null, write)]);
      } catch (error) {
        if (!(error instanceof ConversationStoreError) || error.code !== 'CONFLICT') throw error;
        const [stored = []] = await runner.read([selectMessageIds(userId, id)]);
        const ids = new Set(column(stored, 'message_id'));
        const dup = rows.find((m) => ids.has(m.id))?.id ?? '(unknown)';
        throw new ConversationStoreError('CONFLICT', `message id "${dup}" is already in conversation "${id}"`, {
          adapter,
          cause: error,
        });
      }
      if (!written[0]) return explainMiss(userId, id, expected);
      return rowToMeta(written[0]);
    },

    async update(userId: string, id: string, raw: ConversationPatch, opts?: WriteOptions): Promise<ConversationMeta> {
      assertUtf8UserId(userId, 'SQLite');
      assertConversationId(id);
      const patch = preparePatch(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const [written = []] = await runner.write([patchConversation(userId, id, patch, now(), expected)]);
      if (!written[0]) return explainMiss(userId, id, expected);
      return rowToMeta(written[0]);
    },

    async delete(userId: string, id: string): Promise<boolean> {
      assertUtf8UserId(userId, 'SQLite');
      assertConversationId(id);
      const [, deleted = []] = await runner.write(deleteConversation(userId, id));
      return deleted.length > 0;
    },

    async deleteAll(userId: string): Promise<number> {
      assertUtf8UserId(userId, 'SQLite');
      const [counted = []] = await runner.write(deleteUser(userId));
      return Number(counted[0]?.n ?? 0);
    },

    async close(): Promise<void> {
      // Nothing to release: the binding belongs to the Worker runtime.
    },
  };
}
