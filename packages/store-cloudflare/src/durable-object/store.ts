import {
  assertConversationId,
  assertUtf8UserId,
  ConversationStoreError,
  parseListOptions,
  prepareMessages,
  preparePatch,
  scanInput,
  validateExpectedVersion,
  validateUsage,
  type AppendOptions,
  type ConversationInput,
  type ConversationMeta,
  type ConversationPatch,
  type ConversationStore,
  type ListOptions,
  type ListPage,
  type MessageInput,
  type MessageWindow,
  type StoredConversation,
  type WindowOptions,
  type WriteOptions,
} from '@agent-conversations/core';
import { extendChange } from '../shared/engine.js';
import { mapSqlError } from '../shared/errors.js';
import { parseWindowCall } from '../shared/window.js';
import { fromReplyError, type ConversationsReply, type ConversationsRpc } from './protocol.js';
import type { Message } from '@agent-conversations/core';

/** The part of a Durable Object namespace binding this package uses (a real `DurableObjectNamespace` fits). */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: never): unknown;
}

/** Options of createDurableObjectStore. */
export interface DurableObjectStoreOptions {
  /** The namespace bound to AgentConversationsDurableObject (`env.AGENT_CONVERSATIONS_DO`). */
  namespace: DurableObjectNamespaceLike;
}

/** The Durable Object store: the common interface, with message windows. */
export interface DurableObjectConversationStore<M extends MessageInput = Message> extends ConversationStore<M> {
  readonly kind: 'durable-object';
  /** The newest `limit` messages (or those just older than `before`), reading only them inside the user's object; null when missing. */
  window(userId: string, id: string, options?: WindowOptions): Promise<MessageWindow<M> | null>;
}

/** True when `value` looks like a Durable Object namespace binding. */
export function isDurableObjectNamespace(value: unknown): value is DurableObjectNamespaceLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DurableObjectNamespaceLike).idFromName === 'function' &&
    typeof (value as DurableObjectNamespaceLike).get === 'function'
  );
}

const listOptions = (o: ListOptions | undefined): ListOptions | undefined =>
  o === undefined ? undefined : { limit: o.limit, cursor: o.cursor, updatedAfter: o.updatedAfter };

/**
 * A conversation store with one SQLite-backed Durable Object per user (`idFromName(userId)`), called over RPC.
 * Input is validated here before any call; errors from the object arrive as ConversationStoreError.
 */
export function createDurableObjectStore<M extends MessageInput = Message>(
  options: DurableObjectStoreOptions,
): DurableObjectConversationStore<M>;
export function createDurableObjectStore(options: DurableObjectStoreOptions): DurableObjectConversationStore;
export function createDurableObjectStore(options: DurableObjectStoreOptions): DurableObjectConversationStore {
  const namespace = options?.namespace;
  if (!isDurableObjectNamespace(namespace)) {
    throw new ConversationStoreError(
      'CONFIG',
      'createDurableObjectStore needs { namespace: env.AGENT_CONVERSATIONS_DO } (a Durable Object namespace binding)',
      { adapter: 'durable-object' },
    );
  }
  const objectOf = (userId: string): ConversationsRpc =>
    namespace.get(namespace.idFromName(userId) as never) as ConversationsRpc;
  const call = async <T>(
    userId: string,
    rpc: (object: ConversationsRpc) => Promise<ConversationsReply>,
  ): Promise<T> => {
    let reply: ConversationsReply;
    try {
      reply = await rpc(objectOf(userId));
    } catch (error) {
      throw mapSqlError(error, 'durable-object');
    }
    if (!reply.ok) throw fromReplyError(reply.error);
    return JSON.parse(reply.json) as T;
  };

  return {
    kind: 'durable-object',
    persistent: true,

    async list(userId: string, opts?: ListOptions): Promise<ListPage> {
      assertUtf8UserId(userId, 'a Durable Object');
      parseListOptions(opts);
      return call(userId, (o) => o.listConversations(userId, listOptions(opts)));
    },

    async get(userId: string, id: string): Promise<StoredConversation | null> {
      assertUtf8UserId(userId, 'a Durable Object');
      assertConversationId(id);
      return call(userId, (o) => o.getConversation(userId, id));
    },

    async window(userId: string, id: string, opts?: WindowOptions): Promise<MessageWindow | null> {
      // Validated here and again in the object; only the two options cross (the cursor as given).
      const { limit } = parseWindowCall(userId, id, opts, 'a Durable Object');
      return call(userId, (o) => o.windowConversation(userId, id, { limit, before: opts?.before }));
    },

    async upsert(raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
      // Validated here, once (nothing crosses to the object unless it is storable). The usual save sends only the last messages and
      // the digests; the whole input crosses only when the object's stored messages are not the given ones minus that tail.
      const input = scanInput(raw);
      assertUtf8UserId(input.userId, 'a Durable Object');
      const expectedVersion = validateExpectedVersion(opts?.expectedVersion);
      const extended = await call<ConversationMeta | null>(input.userId, (o) =>
        o.extendConversation(JSON.stringify(extendChange(input, expectedVersion))),
      );
      if (extended) return extended;
      const { messages, ...rest } = input;
      const json = JSON.stringify({ ...rest, messages: messages.messages });
      return call(rest.userId, (o) => o.upsertConversation(json, { expectedVersion }));
    },

    async append(userId: string, id: string, raw: MessageInput[], opts?: AppendOptions): Promise<ConversationMeta> {
      assertUtf8UserId(userId, 'a Durable Object');
      assertConversationId(id);
      const messages = prepareMessages(raw, { allowEmpty: false });
      const usage = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
      const expectedVersion = validateExpectedVersion(opts?.expectedVersion);
      const json = `[${messages.map((m) => m.json).join(',')}]`;
      return call(userId, (o) => o.appendMessages(userId, id, json, { usage, expectedVersion }));
    },

    async update(userId: string, id: string, raw: ConversationPatch, opts?: WriteOptions): Promise<ConversationMeta> {
      assertUtf8UserId(userId, 'a Durable Object');
      assertConversationId(id);
      const patch = preparePatch(raw);
      const expectedVersion = validateExpectedVersion(opts?.expectedVersion);
      return call(userId, (o) => o.updateConversation(userId, id, JSON.stringify(patch), { expectedVersion }));
    },

    async delete(userId: string, id: string): Promise<boolean> {
      assertUtf8UserId(userId, 'a Durable Object');
      assertConversationId(id);
      return call(userId, (o) => o.deleteConversation(userId, id));
    },

    async deleteAll(userId: string): Promise<number> {
      assertUtf8UserId(userId, 'a Durable Object');
      return call(userId, (o) => o.deleteAllConversations(userId));
    },

    async close(): Promise<void> {
      // Nothing to release: the namespace belongs to the Worker runtime.
    },
  };
}
