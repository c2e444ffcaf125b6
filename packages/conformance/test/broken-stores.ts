import {
  ConversationStoreError,
  createMemoryStore,
  type ConversationMeta,
  type ConversationStore,
  type Message,
  type StoredConversation,
} from '@agent-conversations/core';

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
      const meta = await inner.upsert({
        id,
        userId,
        messages: [...current.messages, ...messages],
        usage: current.usage,
      });
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
    append: (userId, id, messages, opts) =>
      inner.append(userId, id, messages, opts?.usage ? { usage: opts.usage } : undefined),
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
      return inner.upsert(
        { ...input, messages: [...old.messages.filter((m) => !ids.has(m.id)), ...input.messages] },
        opts,
      );
    },
  };
}

/** get() hands out a cached object: what the caller changes on it shows up in the next get. */
export function returnsStoredObjects(): ConversationStore {
  const inner = createMemoryStore();
  const cache = new Map<string, StoredConversation>();
  const forget = <T>(userId: string, id: string, value: T): T => (cache.delete(`${userId}\n${id}`), value);
  return {
    ...inner,
    async get(userId, id) {
      const key = `${userId}\n${id}`;
      const hit = cache.get(key) ?? (await inner.get(userId, id));
      if (hit) cache.set(key, hit);
      return hit;
    },
    upsert: async (input, opts) => forget(input.userId, input.id, await inner.upsert(input, opts)),
    append: async (userId, id, messages, opts) => forget(userId, id, await inner.append(userId, id, messages, opts)),
    update: async (userId, id, patch, opts) => forget(userId, id, await inner.update(userId, id, patch, opts)),
  };
}

/** upsert() keeps the caller's message array: what the caller changes afterwards shows up in get. */
export function keepsCallerMessages(): ConversationStore {
  const inner = createMemoryStore();
  const kept = new Map<string, Message[]>();
  return {
    ...inner,
    async upsert(input, opts) {
      const meta = await inner.upsert(input, opts);
      kept.set(`${input.userId}\n${input.id}`, input.messages as unknown as Message[]);
      return meta;
    },
    async append(userId, id, messages, opts) {
      kept.delete(`${userId}\n${id}`);
      return inner.append(userId, id, messages, opts);
    },
    async get(userId, id) {
      const got = await inner.get(userId, id);
      const messages = kept.get(`${userId}\n${id}`);
      return got && messages ? { ...got, messages } : got;
    },
  };
}

/** Writes take an empty user id as "anonymous" instead of refusing it. */
export function acceptsEmptyUserIds(): ConversationStore {
  const inner = createMemoryStore();
  const who = (userId: string) => (userId === '' ? 'anonymous' : userId);
  return {
    ...inner,
    upsert: (input, opts) => inner.upsert({ ...input, userId: who(input.userId) }, opts),
    append: (userId, id, messages, opts) => inner.append(who(userId), id, messages, opts),
    update: (userId, id, patch, opts) => inner.update(who(userId), id, patch, opts),
    delete: (userId, id) => inner.delete(who(userId), id),
    deleteAll: (userId) => inner.deleteAll(who(userId)),
  };
}

/** delete() looks the conversation up before validating its id: a bad id is "not there" (false), not VALIDATION. */
export function looksUpBeforeValidating(): ConversationStore {
  const inner = createMemoryStore();
  return {
    ...inner,
    async delete(userId, id) {
      const { items } = await inner.list(userId, { limit: 200 });
      return items.some((m) => m.id === id) ? inner.delete(userId, id) : false;
    },
  };
}

/** list() pages with a cursor of updatedAt alone (`< cursor`), so conversations tied with the last item of a page are skipped. */
export function cursorSkipsTies(now?: () => number): ConversationStore {
  const inner = createMemoryStore({ now });
  return {
    ...inner,
    async list(userId, opts = {}) {
      const all: ConversationMeta[] = [];
      for (let cursor: string | undefined, page = 0; page === 0 || cursor; page++) {
        const result = await inner.list(userId, { limit: 200, cursor, updatedAfter: opts.updatedAfter });
        all.push(...result.items);
        cursor = result.nextCursor ?? undefined;
      }
      const before = opts.cursor === undefined ? Infinity : Number(opts.cursor);
      if (Number.isNaN(before)) throw new ConversationStoreError('VALIDATION', 'cursor is not a cursor of this store');
      const limit = opts.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        throw new ConversationStoreError('VALIDATION', 'limit must be an integer from 1 to 200');
      const rest = all.filter((m) => m.updatedAt < before);
      const items = rest.slice(0, limit);
      return { items, nextCursor: rest.length > limit ? String(items[items.length - 1]!.updatedAt) : null };
    },
  };
}

/** Ties in updatedAt come out by id ascending instead of descending. */
export function ordersTiesAscending(now?: () => number): ConversationStore {
  const inner = createMemoryStore({ now });
  return {
    ...inner,
    async list(userId, opts) {
      const page = await inner.list(userId, opts);
      const items = [...page.items].sort(
        (a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
      return { ...page, items };
    },
  };
}

/** Says it is a persistent memory store. */
export function misstatesPersistence(): ConversationStore {
  return { ...createMemoryStore(), persistent: true };
}

/** close() throws when called a second time. */
export function closeOnlyOnce(): ConversationStore {
  const inner = createMemoryStore();
  let closed = false;
  return {
    ...inner,
    async close() {
      if (closed) throw new Error('already closed');
      closed = true;
    },
  };
}

/** listUsers() remembers every user ever written, including one whose conversations are all deleted. */
export function listUsersNeverForgets(): ConversationStore {
  const inner = createMemoryStore();
  const everyone = new Set<string>();
  return {
    ...inner,
    async upsert(input, opts) {
      const meta = await inner.upsert(input, opts);
      everyone.add(input.userId);
      return meta;
    },
    async listUsers(opts) {
      const limit = opts?.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1)
        throw new ConversationStoreError('VALIDATION', 'limit must be a positive integer');
      const all = [...everyone].filter((u) => opts?.cursor === undefined || u > opts.cursor).sort();
      const items = all.slice(0, limit);
      return { items, nextCursor: all.length > limit ? items[items.length - 1]! : null };
    },
  };
}

/** Replaces lone surrogates with U+FFFD on write, as a UTF-8 backend would, instead of refusing them. */
export function manglesLoneSurrogates(): ConversationStore {
  const inner = createMemoryStore();
  const mangle = <T>(messages: T[]): T[] =>
    JSON.parse(JSON.stringify(messages).replace(/\\ud[89a-f][0-9a-f]{2}/gi, '\ufffd')) as T[];
  return {
    ...inner,
    upsert: (input, opts) => inner.upsert({ ...input, messages: mangle(input.messages) }, opts),
    append: (userId, id, messages, opts) => inner.append(userId, id, mangle(messages), opts),
  };
}
