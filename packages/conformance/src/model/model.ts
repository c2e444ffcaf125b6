import type {
  ConversationMeta,
  ConversationPatch,
  ListPage,
  Message,
  StoredConversation,
  Usage,
} from '@agent-conversations/core';
import { deepEqual, show } from '../expect.js';
import type { Call, Cursors, Outcome } from './calls.js';

/**
 * The reference model: what every call must return and leave behind, written from the contract in core's
 * `types.ts` (one-line JSDoc per member), not from any store. Times a store stamps itself are not predicted
 * but adopted from what it returns, then held to the contract (a write never moves updatedAt backwards,
 * createdAt never changes), and every later read, list order and keyset page must agree with them.
 */

const PLACEHOLDER = 'New Conversation';

interface Record_ {
  meta: ConversationMeta;
  /** Message JSON texts in sequence order: the store must give each back byte for byte. */
  messages: string[];
}

/** A call's result did not match the model; the message says what was expected and what came back. */
export class ModelMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelMismatch';
  }
}

const fail = (message: string): never => {
  throw new ModelMismatch(message);
};

/** "The first user message's text (trimmed, max 100 chars)": display text, control characters as spaces, lone surrogates as U+FFFD, 100 code points. */
export function derivedTitle(messages: readonly Message[]): string {
  for (const m of messages) {
    if (m.role !== 'user') continue;
    const parts = Array.isArray(m.parts) ? (m.parts as { type?: unknown; text?: unknown }[]) : [];
    const raw =
      parts.map((p) => (p?.type === 'text' ? String(p.text ?? '') : '')).join(' ') ||
      (typeof m.content === 'string' ? m.content : '');
    let text = '';
    for (const ch of raw.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim()) {
      const c = ch.codePointAt(0)!;
      text += c >= 0xd800 && c <= 0xdfff ? '\ufffd' : ch;
    }
    if (text) return [...text].slice(0, 100).join('').trim();
  }
  return PLACEHOLDER;
}

/** "Given title, else the first user message's text …": a stored title other than the placeholder is kept. */
function title(given: string | undefined, stored: string | undefined, messages: readonly Message[]): string {
  if (given !== undefined) return given;
  if (stored !== undefined && stored !== PLACEHOLDER) return stored;
  return derivedTitle(messages);
}

/** "append adds deltas": each counter of the delta is added; counters absent from both stay absent. */
function addUsage(total: Usage | undefined, delta: Usage | undefined): Usage | undefined {
  if (!delta) return total;
  const out: Record<string, number> = { ...total };
  for (const [k, v] of Object.entries(delta)) out[k] = (out[k] ?? 0) + (v as number);
  return out;
}

function clean(meta: ConversationMeta): ConversationMeta {
  const out = { ...meta } as Record<string, unknown>;
  for (const k of ['model', 'provider', 'usage', 'metadata']) if (out[k] === undefined) delete out[k];
  return out as unknown as ConversationMeta;
}

/** "updatedAt desc, then id desc". */
const order = (a: { updatedAt: number; id: string }, b: { updatedAt: number; id: string }): number =>
  b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export class Model {
  private users = new Map<string, Map<string, Record_>>();

  clone(): Model {
    const copy = new Model();
    for (const [u, convs] of this.users)
      copy.users.set(
        u,
        new Map([...convs].map(([id, r]) => [id, { meta: structuredClone(r.meta), messages: [...r.messages] }])),
      );
    return copy;
  }

  find(userId: string, id: string): Record_ | undefined {
    return this.users.get(userId)?.get(id);
  }

  /** The stored version (0 when missing), what a caller passes as expectedVersion. */
  version(userId: string, id: string): number {
    return this.find(userId, id)?.meta.version ?? 0;
  }

  messages(userId: string, id: string): Message[] {
    return (this.find(userId, id)?.messages ?? []).map((j) => JSON.parse(j) as Message);
  }

  /** The user's conversations in list order. */
  sorted(userId: string): ConversationMeta[] {
    return [...(this.users.get(userId)?.values() ?? [])].map((r) => r.meta).sort(order);
  }

  private put(userId: string, id: string, record: Record_): void {
    let convs = this.users.get(userId);
    if (!convs) this.users.set(userId, (convs = new Map()));
    convs.set(id, record);
  }

  /** Checks the outcome of `call` against the contract and applies it; throws ModelMismatch when it does not fit. */
  step(call: Call, outcome: Outcome, cursors: Cursors): void {
    const refuse = (codes: string[], why: string): void => {
      if (outcome.ok) fail(`expected ${codes.join(' or ')} (${why}), but it returned ${show(outcome.value)}`);
      else if (!codes.includes(outcome.code))
        fail(`expected ${codes.join(' or ')} (${why}), but it threw ${outcome.code}: ${outcome.message}`);
    };
    const value = (): unknown =>
      outcome.ok ? outcome.value : fail(`expected success, but it threw ${outcome.code}: ${outcome.message}`);
    switch (call.method) {
      case 'upsert': {
        const { input, options } = call;
        const stored = this.find(input.userId, input.id);
        const ids = input.messages.map((m) => m.id);
        if (new Set(ids).size !== ids.length) return refuse(['VALIDATION'], 'a message id appears twice in one write');
        const expected = options?.expectedVersion;
        if (expected !== undefined && expected !== (stored?.meta.version ?? 0))
          return refuse(['CONFLICT'], `expectedVersion ${expected}, stored version ${stored?.meta.version ?? 0}`);
        const got = value() as ConversationMeta;
        const meta = clean({
          id: input.id,
          userId: input.userId,
          title: title(input.title, stored?.meta.title, input.messages),
          messageCount: input.messages.length,
          model: input.model ?? stored?.meta.model,
          provider: input.provider ?? stored?.meta.provider,
          usage: input.usage ?? stored?.meta.usage,
          metadata: input.metadata ?? stored?.meta.metadata,
          createdAt: stored?.meta.createdAt ?? input.createdAt ?? this.stamp(got, 'createdAt'),
          updatedAt: input.updatedAt ?? this.written(got, stored),
          version: (stored?.meta.version ?? 0) + 1,
        });
        this.same(got, meta, 'the returned meta');
        return this.put(input.userId, input.id, { meta, messages: input.messages.map((m) => JSON.stringify(m)) });
      }
      case 'append': {
        const { userId, id, messages, options } = call;
        const stored = this.find(userId, id);
        const ids = messages.map((m) => m.id);
        if (ids.length === 0 || new Set(ids).size !== ids.length)
          return refuse(['VALIDATION'], 'an append needs messages with distinct ids');
        const expected = options?.expectedVersion;
        if (!stored)
          return refuse(expected ? ['NOT_FOUND', 'CONFLICT'] : ['NOT_FOUND'], 'the conversation does not exist');
        if (expected !== undefined && expected !== stored.meta.version)
          return refuse(['CONFLICT'], `expectedVersion ${expected}, stored version ${stored.meta.version}`);
        const old = stored.messages.map((j) => JSON.parse(j) as Message);
        const dup = ids.find((i) => old.some((m) => m.id === i));
        if (dup !== undefined) return refuse(['CONFLICT'], `message id ${show(dup)} is already stored`);
        const got = value() as ConversationMeta;
        const meta = clean({
          ...stored.meta,
          title: title(undefined, stored.meta.title, [...old, ...messages]),
          messageCount: old.length + messages.length,
          usage: addUsage(stored.meta.usage, options?.usage),
          updatedAt: this.written(got, stored),
          version: stored.meta.version + 1,
        });
        this.same(got, meta, 'the returned meta');
        return this.put(userId, id, {
          meta,
          messages: [...stored.messages, ...messages.map((m) => JSON.stringify(m))],
        });
      }
      case 'update': {
        const { userId, id, patch, options } = call;
        const stored = this.find(userId, id);
        const expected = options?.expectedVersion;
        if (!stored)
          return refuse(expected ? ['NOT_FOUND', 'CONFLICT'] : ['NOT_FOUND'], 'the conversation does not exist');
        if (expected !== undefined && expected !== stored.meta.version)
          return refuse(['CONFLICT'], `expectedVersion ${expected}, stored version ${stored.meta.version}`);
        const got = value() as ConversationMeta;
        const meta = clean({
          ...stored.meta,
          ...(patch as ConversationPatch),
          updatedAt: this.written(got, stored),
          version: stored.meta.version + 1,
        });
        this.same(got, meta, 'the returned meta');
        return this.put(userId, id, { meta, messages: stored.messages });
      }
      case 'delete': {
        const existed = this.users.get(call.userId)?.delete(call.id) ?? false;
        if (value() !== existed) fail(`expected delete to return ${existed}, got ${show(outcome.ok && outcome.value)}`);
        return;
      }
      case 'deleteAll': {
        const count = this.users.get(call.userId)?.size ?? 0;
        this.users.delete(call.userId);
        if (value() !== count) fail(`expected deleteAll to return ${count}, got ${show(outcome.ok && outcome.value)}`);
        return;
      }
      case 'get': {
        const got = value() as StoredConversation | null;
        const stored = this.find(call.userId, call.id);
        if (!stored)
          return void (got === null || fail(`expected null for a conversation that does not exist, got ${show(got)}`));
        if (got === null || typeof got !== 'object')
          return void fail(`expected the conversation ${show(stored.meta)}, got ${show(got)}`);
        const { messages, ...meta } = got;
        this.same(meta, stored.meta, 'the meta get returns');
        const texts = Array.isArray(messages) ? messages.map((m) => JSON.stringify(m)) : [];
        if (texts.length !== stored.messages.length)
          fail(`expected ${stored.messages.length} messages, got ${show(messages)}`);
        texts.forEach(
          (t, i) =>
            t === stored.messages[i] ||
            fail(`message ${i} differs: expected ${show(stored.messages[i])}, got ${show(t)}`),
        );
        return;
      }
      case 'list': {
        const saved = call.resume ? cursors.get(call.userId) : undefined;
        const page = value() as ListPage;
        const expected = this.page(call.userId, call.limit, call.updatedAfter, saved?.after, page, 'the page');
        const last = expected[expected.length - 1];
        if (page.nextCursor && last)
          cursors.set(call.userId, { cursor: page.nextCursor, after: { updatedAt: last.updatedAt, id: last.id } });
        else cursors.delete(call.userId);
        return;
      }
      case 'listAll': {
        const pages = value() as ListPage[];
        let after: { updatedAt: number; id: string } | undefined;
        pages.forEach((page, i) => {
          const items = this.page(call.userId, call.limit, call.updatedAfter, after, page, `page ${i + 1}`);
          const last = items[items.length - 1];
          after = last && { updatedAt: last.updatedAt, id: last.id };
        });
        return;
      }
    }
  }

  /** Checks one keyset page: the items after `after` in list order, at most `limit`, and nextCursor null exactly on the last page. */
  private page(
    userId: string,
    limit: number,
    updatedAfter: number | undefined,
    after: { updatedAt: number; id: string } | undefined,
    page: ListPage,
    what: string,
  ): ConversationMeta[] {
    const rest = this.sorted(userId).filter(
      (m) => (updatedAfter === undefined || m.updatedAt > updatedAfter) && (!after || order(after, m) < 0),
    );
    const expected = rest.slice(0, limit);
    if (!page || !Array.isArray(page.items)) return fail(`${what}: expected { items, nextCursor }, got ${show(page)}`);
    const ids = (items: readonly ConversationMeta[]) => items.map((m) => `${m.id}@${m.updatedAt}`).join(', ');
    if (!deepEqual(page.items, expected))
      fail(
        `${what}: expected items [${ids(expected)}], got [${ids(page.items)}]${page.items.length === expected.length ? `: ${show(page.items)}, expected ${show(expected)}` : ''}`,
      );
    const more = rest.length > limit;
    if (more !== (typeof page.nextCursor === 'string'))
      fail(
        `${what}: expected nextCursor ${more ? 'a string (more items follow)' : 'null (the last page)'}, got ${show(page.nextCursor)}`,
      );
    return expected;
  }

  /** A time the store stamped itself: adopted, after checking it is a number. */
  private stamp(got: ConversationMeta, key: 'createdAt' | 'updatedAt'): number {
    const v = (got as unknown as Record<string, unknown>)?.[key];
    return isNumber(v) ? v : fail(`${key} must be a Unix ms number, got ${show(v)}`);
  }

  /** updatedAt of a write the store stamped: "Unix ms of the latest write", never before the stored one. */
  private written(got: ConversationMeta, stored: Record_ | undefined): number {
    const t = this.stamp(got, 'updatedAt');
    if (stored && t < stored.meta.updatedAt) fail(`updatedAt went backwards: ${t} after ${stored.meta.updatedAt}`);
    return t;
  }

  private same(got: unknown, expected: ConversationMeta, what: string): void {
    if (!deepEqual(got, expected)) fail(`${what}: expected ${show(expected)}, got ${show(got)}`);
  }
}
