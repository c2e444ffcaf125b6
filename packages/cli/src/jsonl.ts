import {
  ConversationStoreError,
  type ConversationMeta,
  type ConversationStore,
  type StoredConversation,
} from '@agent-conversations/core';

/** The first line of every export file. */
export const EXPORT_HEADER = { format: 'agent-conversations', version: 1 } as const;

/** One exported conversation: everything but the store-internal version counter, in a fixed key order. */
export type ExportedConversation = Omit<StoredConversation, 'version' | 'messageCount'>;

/** The export line for a conversation (fixed key order, so exports of equal data are byte-identical). */
export function toExportLine(conversation: StoredConversation): string {
  const { id, userId, title, model, provider, usage, metadata, createdAt, updatedAt, messages } = conversation;
  return JSON.stringify({ id, userId, title, model, provider, usage, metadata, createdAt, updatedAt, messages });
}

/** Checks the header line; a newer format version is refused. */
export function checkHeader(line: string | undefined): void {
  let header: { format?: unknown; version?: unknown };
  try {
    header = JSON.parse(line ?? '') as typeof header;
  } catch (error) {
    throw new ConversationStoreError('VALIDATION', 'not an agent-conversations export: the first line is not JSON', {
      cause: error,
    });
  }
  if (header?.format !== EXPORT_HEADER.format)
    throw new ConversationStoreError(
      'VALIDATION',
      'not an agent-conversations export: the first line must be {"format":"agent-conversations","version":1}',
    );
  if (header.version !== EXPORT_HEADER.version)
    throw new ConversationStoreError(
      'VALIDATION',
      `export format version ${String(header.version)} is not supported by this CLI (it reads version ${EXPORT_HEADER.version}); upgrade @agent-conversations/cli`,
    );
}

/** Every user id of the store, page by page; CONFIG error when the store cannot enumerate users. */
export async function* allUsers(store: ConversationStore, after?: string): AsyncGenerator<string> {
  if (!store.listUsers) {
    throw new ConversationStoreError(
      'CONFIG',
      `the ${store.kind} store cannot enumerate users; pass --user ID (repeatable) instead of --all`,
    );
  }
  let cursor = after;
  do {
    const page = await store.listUsers({ limit: 500, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Every conversation of a user with its messages, one at a time (memory stays flat). */
export async function* userConversations(store: ConversationStore, userId: string): AsyncGenerator<StoredConversation> {
  let cursor: string | undefined;
  do {
    const page = await store.list(userId, { limit: 200, cursor });
    for (const meta of page.items) {
      const conversation = await store.get(userId, meta.id);
      if (conversation) yield conversation;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Every conversation of a user without messages (id, updatedAt, messageCount...), page by page. */
export async function* userMetas(store: ConversationStore, userId: string): AsyncGenerator<ConversationMeta> {
  let cursor: string | undefined;
  do {
    const page = await store.list(userId, { limit: 200, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** What happened to one conversation written with `writeConversation`. */
export type WriteOutcome = 'copied' | 'skipped' | 'conflict';

function sameContent(a: ExportedConversation, b: ExportedConversation): boolean {
  const pick = (c: ExportedConversation): string =>
    JSON.stringify([c.title, c.model, c.provider, c.usage, c.metadata, c.createdAt, c.updatedAt, c.messages]);
  return pick(a) === pick(b);
}

/** Creates the conversation only if it does not exist; an existing identical one (same content and timestamps) is skipped, a different one is a conflict (never overwritten). */
export async function writeConversation(
  store: ConversationStore,
  conversation: ExportedConversation,
): Promise<WriteOutcome> {
  const { id, userId, title, model, provider, usage, metadata, createdAt, updatedAt, messages } = conversation;
  try {
    await store.upsert(
      { id, userId, title, model, provider, usage, metadata, createdAt, updatedAt, messages },
      { expectedVersion: 0 },
    );
    return 'copied';
  } catch (error) {
    if ((error as { code?: string }).code !== 'CONFLICT') throw error;
  }
  const existing = await store.get(userId, id);
  return existing && sameContent(existing, conversation) ? 'skipped' : 'conflict';
}
