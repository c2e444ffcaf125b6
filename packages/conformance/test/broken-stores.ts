import { createMemoryStore, type ConversationStore, type StoredConversation } from '@agent-conversations/core';

/** A deliberately broken store: each wraps the memory store and breaks one rule the suite must catch. */
export type BrokenStoreFactory = () => ConversationStore;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** get() ignores the user: anyone with the conversation id reads it. */
export function leaksAcrossUsers(): ConversationStore {
  const inner = createMemoryStore();
  const owners = new Map<string, string>();
  return {
    ...inner,
    async upsert(input, opts) {
      if (!owners.has(input.id)) owners.set(input.id, input.userId);
      return inner.upsert(input, opts);
    },
    async get(userId, id) {
      return inner.get(owners.get(id) ?? userId, id);
    },
  };
}

/** append() reads, waits, then writes the whole list back: concurrent appends overwrite each other. */
export function dropsConcurrentAppends(): ConversationStore {
  const inner = createMemoryStore();
  return {
    ...inner,
    async append(userId, id, messages, opts) {
      const current = await inner.get(userId, id);
      if (!current) return inner.append(userId, id, messages, opts);
      await new Promise((r) => setTimeout(r, 1));
      const meta = await inner.upsert({ id, userId, messages: [...current.messages, ...messages], usage: current.usage });
      return opts?.usage ? inner.update(userId, id, { usage: { ...meta.usage } }) : meta;
    },
  };
}

/** list() returns oldest first. */
export function misordersLists(): ConversationStore {
  const inner = createMemoryStore();
  return {
    ...inner,
    async list(userId, opts) {
      const page = await inner.list(userId, opts);
      return { ...page, items: [...page.items].reverse() };
    },
  };
}

/** Writes ignore expectedVersion. */
export function ignoresExpectedVersion(): ConversationStore {
  const inner = createMemoryStore();
  return {
    ...inner,
    upsert: (input) => inner.upsert(input),
    append: (userId, id, messages, opts) => inner.append(userId, id, messages, opts?.usage ? { usage: opts.usage } : undefined),
    update: (userId, id, patch) => inner.update(userId, id, patch),
  };
}

/** delete() hides the conversation, and recreating the id brings the old messages back. */
export function resurrectsDeletedMessages(): ConversationStore {
  const inner = createMemoryStore();
  const graveyard = new Map<string, StoredConversation>();
  return {
    ...inner,
    async delete(userId, id) {
      const old = await inner.get(userId, id);
      if (old) graveyard.set(`${userId}\n${id}`, clone(old));
      return inner.delete(userId, id);
    },
    async upsert(input, opts) {
      const old = graveyard.get(`${input.userId}\n${input.id}`);
      if (!old) return inner.upsert(input, opts);
      graveyard.delete(`${input.userId}\n${input.id}`);
      const ids = new Set(input.messages.map((m) => m.id));
      return inner.upsert({ ...input, messages: [...old.messages.filter((m) => !ids.has(m.id)), ...input.messages] }, opts);
    },
  };
}
