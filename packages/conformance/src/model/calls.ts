import type {
  AppendOptions,
  ConversationInput,
  ConversationPatch,
  ConversationStore,
  ListPage,
  Message,
  WriteOptions,
} from '@agent-conversations/core';

/** One concrete store call of a generated sequence, as the failure report prints it. */
export type Call =
  | { method: 'upsert'; input: ConversationInput<Message>; options?: WriteOptions }
  | { method: 'append'; userId: string; id: string; messages: Message[]; options?: AppendOptions }
  | { method: 'update'; userId: string; id: string; patch: ConversationPatch; options?: WriteOptions }
  | { method: 'delete'; userId: string; id: string }
  | { method: 'deleteAll'; userId: string }
  | { method: 'get'; userId: string; id: string }
  /** One page: from the start, or (resume) from the cursor the user's previous page returned. */
  | { method: 'list'; userId: string; limit: number; updatedAfter?: number; resume?: boolean }
  /** Every page, following nextCursor to the end. */
  | { method: 'listAll'; userId: string; limit: number; updatedAfter?: number };

/** What a call did: its value, or the ConversationStoreError code it threw. */
export type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/** Where a user's paging stands: the cursor the last page returned and the keyset position it stands for. */
export interface SavedCursor {
  cursor: string;
  after: { updatedAt: number; id: string };
}

/** Cursors saved between `list` calls with `resume`, by user. */
export type Cursors = Map<string, SavedCursor>;

async function invoke(store: ConversationStore, call: Call, cursors: Cursors): Promise<unknown> {
  switch (call.method) {
    case 'upsert':
      return store.upsert(call.input, call.options);
    case 'append':
      return store.append(call.userId, call.id, call.messages, call.options);
    case 'update':
      return store.update(call.userId, call.id, call.patch, call.options);
    case 'delete':
      return store.delete(call.userId, call.id);
    case 'deleteAll':
      return store.deleteAll(call.userId);
    case 'get':
      return store.get(call.userId, call.id);
    case 'list': {
      const cursor = call.resume ? cursors.get(call.userId)?.cursor : undefined;
      return store.list(call.userId, {
        limit: call.limit,
        ...(cursor ? { cursor } : {}),
        ...(call.updatedAfter === undefined ? {} : { updatedAfter: call.updatedAfter }),
      });
    }
    case 'listAll': {
      const pages: ListPage[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(call.userId, {
          limit: call.limit,
          ...(cursor ? { cursor } : {}),
          ...(call.updatedAfter === undefined ? {} : { updatedAfter: call.updatedAfter }),
        });
        pages.push(page);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && pages.length < 50);
      return pages;
    }
  }
}

/** Runs the call; a thrown ConversationStoreError becomes its code, anything else is an `UNEXPECTED` outcome. */
export async function execute(store: ConversationStore, call: Call, cursors: Cursors): Promise<Outcome> {
  try {
    return { ok: true, value: await invoke(store, call, cursors) };
  } catch (error) {
    const e = error as { name?: unknown; code?: unknown; message?: unknown };
    const code = e?.name === 'ConversationStoreError' && typeof e.code === 'string' ? e.code : 'UNEXPECTED';
    return { ok: false, code, message: `${String(e?.name)}: ${String(e?.message ?? error)}` };
  }
}

const MAX = 160;
const short = (value: unknown): string => {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > MAX ? `${text.slice(0, MAX)}… (${text.length} chars)` : text;
};

/** The call as the line of code that replays it. */
export function showCall(call: Call): string {
  const args = (...values: unknown[]) =>
    values
      .filter((v, i) => v !== undefined || i === 0)
      .map(short)
      .join(', ');
  switch (call.method) {
    case 'upsert':
      return `upsert(${args(call.input, call.options)})`;
    case 'append':
      return `append(${args(call.userId, call.id, call.messages, call.options)})`;
    case 'update':
      return `update(${args(call.userId, call.id, call.patch, call.options)})`;
    case 'delete':
    case 'get':
      return `${call.method}(${args(call.userId, call.id)})`;
    case 'deleteAll':
      return `deleteAll(${args(call.userId)})`;
    case 'list':
      return `list(${args(call.userId, { limit: call.limit, updatedAfter: call.updatedAfter, cursor: call.resume ? "<the previous page's nextCursor>" : undefined })})`;
    case 'listAll':
      return `list(${args(call.userId, { limit: call.limit, updatedAfter: call.updatedAfter })}) following nextCursor to the end`;
  }
}

/** The outcome in one line. */
export function showOutcome(outcome: Outcome): string {
  return outcome.ok ? `→ ${short(outcome.value)}` : `→ throws ${outcome.code} (${outcome.message.slice(0, MAX)})`;
}
