import { createMemoryStore, type ConversationStore, type Message, type Usage } from '@agent-conversations/core';
import type { ConformanceOptions, IoGate } from '../src/index.js';

/**
 * Stores that break a promise only the model-based checks catch: each wraps one memory store (the shared
 * "backend"), awaits its I/O hook's gate before each step that would reach storage, and is correct when its
 * calls run one at a time unless said otherwise.
 */
type Build = (inner: ConversationStore, gate: IoGate) => ConversationStore;

const open: IoGate = async () => undefined;

/** Suite options over one backend: createStore without a gate, and the io hook with one. */
function options(name: string, build: Build): ConformanceOptions {
  const inner = createMemoryStore();
  return { name, createStore: () => build(inner, open), io: { createStore: (gate) => build(inner, gate) } };
}

const dupOrMissing = (stored: Message[] | undefined, messages: readonly { id: string }[]) =>
  !stored ||
  messages.length === 0 ||
  new Set(messages.map((m) => m.id)).size !== messages.length ||
  messages.some((m) => stored.some((s) => s.id === m.id));

function sum(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!b) return a;
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + (v as number);
  return out;
}

/** The correct store behind the hook: every call is one atomic step after its gate. */
export const atomic = (): ConformanceOptions =>
  options('atomic', (inner, gate) => ({
    ...inner,
    list: async (...a) => (await gate('list'), inner.list(...a)),
    get: async (...a) => (await gate('get'), inner.get(...a)),
    upsert: async (...a) => (await gate('upsert'), inner.upsert(...a)),
    append: async (...a) => (await gate('append'), inner.append(...a)),
    update: async (...a) => (await gate('update'), inner.update(...a)),
    delete: async (...a) => (await gate('delete'), inner.delete(...a)),
    deleteAll: async (...a) => (await gate('deleteAll'), inner.deleteAll(...a)),
  }));

/** Lost update: append reads the list, then writes the whole list back; a write between the two is lost. */
export const losesUpdates = (): ConformanceOptions =>
  options('loses updates', (inner, gate) => ({
    ...inner,
    async append(userId, id, messages, opts) {
      await gate('read the conversation');
      const current = await inner.get(userId, id);
      const expected = opts?.expectedVersion;
      if (dupOrMissing(current?.messages, messages) || (expected !== undefined && expected !== current!.version))
        return inner.append(userId, id, messages, opts);
      await gate('write the list back');
      return inner.upsert({
        id,
        userId,
        messages: [...current!.messages, ...(messages as unknown as Message[])],
        usage: sum(current!.usage, opts?.usage),
      });
    },
  }));

/** A merge of two lists: upsert deletes the rows from the first change on, then inserts the new ones one by one. */
export const mergesLists = (): ConformanceOptions => {
  const rows = new Map<string, Message[]>();
  return options('merges lists', (inner, gate) => ({
    ...inner,
    async upsert(input, opts) {
      await gate('read the conversation');
      const current = await inner.get(input.userId, input.id);
      const expected = opts?.expectedVersion;
      if (expected !== undefined && expected !== (current?.version ?? 0)) return inner.upsert(input, opts);
      const incoming = input.messages as unknown as Message[];
      const ids = incoming.map((m) => m.id);
      if (new Set(ids).size !== ids.length) return inner.upsert(input, opts);
      const stored = current?.messages ?? [];
      let start = 0;
      while (
        start < Math.min(stored.length, incoming.length) &&
        JSON.stringify(stored[start]) === JSON.stringify(incoming[start])
      )
        start += 1;
      const key = `${input.userId}\n${input.id}`;
      await gate('delete rows from the first change');
      rows.set(key, stored.slice(0, start));
      for (const message of incoming.slice(start)) {
        await gate(`insert ${message.id}`);
        rows.get(key)!.push(message);
      }
      await gate('write the conversation row');
      return inner.upsert({ ...input, messages: rows.get(key)! });
    },
  }));
};

/** A cursor that skips under ties: the next page starts below the last updatedAt, dropping the rest of a tie. */
export const skipsTies = (): ConformanceOptions =>
  options('skips ties', (inner) => ({
    ...inner,
    async list(userId, opts) {
      const all = (
        await inner.list(userId, {
          limit: 200,
          ...(opts?.updatedAfter === undefined ? {} : { updatedAfter: opts.updatedAfter }),
        })
      ).items;
      const after = opts?.cursor === undefined ? undefined : Number(opts.cursor.split(':')[0]);
      const rest = after === undefined ? all : all.filter((m) => m.updatedAt < after);
      const limit = opts?.limit ?? 50;
      const items = rest.slice(0, limit);
      const last = items[items.length - 1];
      return { items, nextCursor: rest.length > limit && last ? `${last.updatedAt}:${last.id}` : null };
    },
  }));

/** A usage delta applied twice: once the conversation has totals, append adds each delta two times. */
export const doublesUsage = (): ConformanceOptions =>
  options('doubles usage', (inner) => ({
    ...inner,
    async append(userId, id, messages, opts) {
      const current = await inner.get(userId, id);
      if (!current?.usage || !opts?.usage) return inner.append(userId, id, messages, opts);
      return inner.append(userId, id, messages, { ...opts, usage: sum(opts.usage, opts.usage) });
    },
  }));
