import {
  assertConversationId,
  assertUserId,
  checkVersion,
  ConversationStoreError,
  firstChangedIndex,
  parseListOptions,
  parseWindowOptions,
  prepareInput,
  prepareMessages,
  preparePatch,
  resolveTitle,
  validateExpectedVersion,
  validateUsage,
  windowRange,
  type AppendOptions,
  type ConversationInput,
  type ConversationMeta,
  type ConversationPatch,
  type ConversationStore,
  type ListOptions,
  type ListPage,
  type MessageWindow,
  type MessageInput,
  type StoredConversation,
  type WindowOptions,
  type WriteOptions,
} from '@agent-conversations/core';
import { agentStateApi } from './api.js';
import { load, notFound, pause, withCachedId, type Backend, type Loaded, type Target } from './backend.js';
import { createApi, isUnknownOutcome } from './http.js';
import { createIdCache } from './id-cache.js';
import { externalId, userTag } from './ids.js';
import { decodeListCursor, mapLimit, listConversations } from './list.js';
import type { LogState, Op } from './log.js';
import { metaFromState, ownedBy, titleOf } from './mirror.js';
import { windowFromAnchor } from './window-read.js';
import { resolveOptions, type AgentStateStoreOptions } from './options.js';
import { LIST_PAGE } from './wire.js';
import { commit, createConversation } from './writes.js';
import type { Message } from '@agent-conversations/core';

const ADAPTER = 'agentstate';

type SetFields = NonNullable<Op['set']>;

/** The fields a write replaces; with the current state, only those that differ from it (so an upsert repeating its model stays a plain append). */
function setOf(
  fields: {
    model?: string;
    provider?: string;
    usage?: SetFields['usage'];
    metadata?: Record<string, unknown>;
    createdAt?: number;
  },
  current?: LogState,
): SetFields | undefined {
  const set: SetFields = {};
  const same = (a: unknown, b: unknown): boolean => current !== undefined && JSON.stringify(a) === JSON.stringify(b);
  if (fields.model !== undefined && !same(fields.model, current?.model)) set.model = fields.model;
  if (fields.provider !== undefined && !same(fields.provider, current?.provider)) set.provider = fields.provider;
  if (fields.usage !== undefined && !same(fields.usage, current?.usage)) set.usage = fields.usage;
  if (fields.metadata !== undefined && !same(fields.metadata, current?.metadata))
    set.metadata = JSON.stringify(fields.metadata);
  if (fields.createdAt !== undefined) set.createdAt = fields.createdAt;
  return Object.keys(set).length ? set : undefined;
}

/** True when the stored list ends with exactly these messages (same JSON). */
function endsWith(json: readonly string[], messages: readonly { json: string }[]): boolean {
  const start = json.length - messages.length;
  return start >= 0 && messages.every((m, i) => json[start + i] === m.json);
}

/** Records the title in the op only when it changes, so a write never puts back a title another writer just changed. */
function retitle(op: Op, loaded: Loaded, title: string): void {
  if (title !== titleOf(loaded.state, loaded.conversation)) op.t = title;
}

function foreignConflict(id: string): ConversationStoreError {
  return new ConversationStoreError(
    'CONFLICT',
    `conversation "${id}" maps to an AgentState external_id held by a conversation this store did not write; use another id`,
    { adapter: ADAPTER },
  );
}

/** Creates the AgentState store: no I/O until the first call; every call is scoped to its userId by external id, tag and stored owner. */
export function createAgentStateStore<M extends MessageInput = Message>(
  options: AgentStateStoreOptions,
): ConversationStore<M>;
export function createAgentStateStore(options: AgentStateStoreOptions): ConversationStore;
export function createAgentStateStore(options: AgentStateStoreOptions): ConversationStore {
  const resolved = resolveOptions(options);
  const backend: Backend = { api: agentStateApi(createApi(resolved)), options: resolved, ids: createIdCache() };
  const target = async (userId: string, id: string): Promise<Target> => ({
    userId,
    id,
    externalId: await externalId(userId, id),
    tag: await userTag(userId),
  });

  const mustLoad = async (t: Target): Promise<Loaded> => {
    const loaded = await load(backend, t);
    if (typeof loaded === 'string' || loaded.state.version === 0) throw notFound(t.id);
    return loaded;
  };

  const remove = async (conversationId: string): Promise<boolean> => {
    let unsure = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await backend.api.remove(conversationId)) || unsure;
      } catch (error) {
        if (!isUnknownOutcome(error) || attempt >= resolved.retries) throw error;
        unsure = true;
        await pause(resolved, attempt);
      }
    }
  };

  return {
    kind: 'agentstate',
    persistent: true,

    async list(userId: string, opts?: ListOptions): Promise<ListPage> {
      assertUserId(userId);
      const parsed = parseListOptions(opts === undefined ? undefined : { ...opts, cursor: undefined });
      const after = opts?.cursor === undefined ? null : decodeListCursor(opts.cursor);
      return listConversations(backend, userId, await userTag(userId), { ...parsed, after });
    },

    async get(userId: string, id: string): Promise<StoredConversation | null> {
      assertUserId(userId);
      assertConversationId(id);
      const loaded = await load(backend, await target(userId, id));
      if (typeof loaded === 'string' || loaded.state.version === 0) return null;
      return { ...metaFromState(loaded.conversation, loaded.owner, loaded.state), messages: loaded.state.messages };
    },

    async window(userId: string, id: string, opts?: WindowOptions): Promise<MessageWindow | null> {
      assertUserId(userId);
      assertConversationId(id);
      const parsed = parseWindowOptions(opts);
      const t = await target(userId, id);
      // With the conversation's id cached: its row (summary and anchor) and the entries after the anchor.
      const fast = await windowFromAnchor(backend, t, parsed);
      if (fast) return fast;
      // Otherwise (no cached id, no anchor, an older window, a write racing the read): the whole conversation, one request.
      const loaded = await load(backend, t);
      if (typeof loaded === 'string' || loaded.state.version === 0) return null;
      const range = windowRange(loaded.state.messages.length, parsed);
      return {
        meta: metaFromState(loaded.conversation, loaded.owner, loaded.state),
        messages: loaded.state.messages.slice(range.start, range.end),
        nextCursor: range.nextCursor,
      };
    },

    async upsert(raw: ConversationInput, opts?: WriteOptions): Promise<ConversationMeta> {
      const input = prepareInput(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const messages = input.messages.map((m) => m.message);
      const t = await target(input.userId, input.id);
      for (let attempt = 0; attempt < 3; attempt++) {
        const loaded = await load(backend, t);
        if (loaded === 'foreign') throw foreignConflict(input.id);
        if (loaded === 'missing') {
          checkVersion(expected, 0, ADAPTER);
          const op: Op = { t: resolveTitle(input.title, undefined, messages), set: setOf(input) };
          const created = await createConversation(backend, t, input.messages, op);
          if (created) return created;
          continue;
        }
        checkVersion(expected, loaded.state.version, ADAPTER);
        if (loaded.state.version === 0) {
          // A row with nothing committed (a create cut short, or left half-made by the server): write it as a new conversation.
          await backend.api.addTags(loaded.conversation.id, [t.tag]);
          const op: Op = { t: resolveTitle(input.title, undefined, messages), set: setOf(input) };
          if (loaded.state.messages.length) op.cut = 0;
          return commit(backend, t, loaded, input.messages, op);
        }
        const start = firstChangedIndex(loaded.state.json, input.messages);
        const op: Op = { set: setOf({ ...input, createdAt: undefined }, loaded.state) };
        retitle(op, loaded, resolveTitle(input.title, titleOf(loaded.state, loaded.conversation), messages));
        if (start < loaded.state.json.length) op.cut = start;
        return commit(backend, t, loaded, input.messages.slice(start), op);
      }
      throw new ConversationStoreError(
        'CONFLICT',
        `conversation "${input.id}" kept being created and deleted by other writers; retry`,
        { adapter: ADAPTER, retryable: true },
      );
    },

    async append(userId: string, id: string, raw: MessageInput[], opts?: AppendOptions): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const prepared = prepareMessages(raw, { allowEmpty: false });
      const delta = opts?.usage === undefined ? undefined : validateUsage(opts.usage);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const t = await target(userId, id);
      const loaded = await mustLoad(t);
      checkVersion(expected, loaded.state.version, ADAPTER);
      const ids = new Set(loaded.state.messages.map((m) => m.id));
      const seen = new Set<string>();
      const dup = prepared.find((m) => ids.has(m.message.id) || seen.size === seen.add(m.message.id).size);
      // The same messages already ending the conversation, byte for byte: a retry of an append that landed.
      if (dup && endsWith(loaded.state.json, prepared))
        return metaFromState(loaded.conversation, loaded.owner, loaded.state);
      if (dup)
        throw new ConversationStoreError(
          'CONFLICT',
          `message id "${dup.message.id}" is already in conversation "${id}"`,
          { adapter: ADAPTER },
        );
      const all = [...loaded.state.messages, ...prepared.map((m) => m.message)];
      const op: Op = { a: 1 };
      retitle(op, loaded, resolveTitle(undefined, titleOf(loaded.state, loaded.conversation), all));
      if (delta && Object.keys(delta).length) op.add = delta;
      return commit(backend, t, loaded, prepared, op);
    },

    async update(userId: string, id: string, raw: ConversationPatch, opts?: WriteOptions): Promise<ConversationMeta> {
      assertUserId(userId);
      assertConversationId(id);
      const patch = preparePatch(raw);
      const expected = validateExpectedVersion(opts?.expectedVersion);
      const t = await target(userId, id);
      const loaded = await mustLoad(t);
      checkVersion(expected, loaded.state.version, ADAPTER);
      const op: Op = { set: setOf(patch) };
      if (patch.title !== undefined) retitle(op, loaded, patch.title);
      return commit(backend, t, loaded, [], op);
    },

    async delete(userId: string, id: string): Promise<boolean> {
      assertUserId(userId);
      assertConversationId(id);
      const t = await target(userId, id);
      // A cached id names a conversation of this user with a complete write: delete it in one request. A 404 means it is
      // gone (maybe created again by another instance): look the external id up.
      const cached = await withCachedId(backend, t, async (conversationId) =>
        (await remove(conversationId)) ? true : null,
      );
      if (cached) {
        backend.ids.evict(t.externalId);
        return true;
      }
      const loaded = await load(backend, t);
      if (typeof loaded === 'string') return false;
      backend.ids.evict(t.externalId);
      return (await remove(loaded.conversation.id)) && loaded.state.version > 0;
    },

    async deleteAll(userId: string): Promise<number> {
      assertUserId(userId);
      const tag = await userTag(userId);
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await backend.api.listByTag(tag, LIST_PAGE, cursor);
        for (const conversation of page.data) if (ownedBy(conversation, userId)) ids.push(conversation.id);
        cursor = page.pagination.next_cursor ?? undefined;
      } while (cursor);
      const removed = await mapLimit(ids, 4, remove);
      return removed.filter(Boolean).length;
    },

    async close(): Promise<void> {
      // Nothing to release: fetch keeps no connection this store owns.
    },
  };
}
