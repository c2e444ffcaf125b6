import type { ConversationConfig } from './config.js';

/** The seven backends of the spec, by the name used in `AGENT_CONVERSATION_STORE`. */
export type BuiltInStoreKind = 'postgres' | 'clickhouse' | 'd1' | 'durable-object' | 'agentstate' | 'memory' | 'local';

/** A backend's name: a built-in kind or any lowercase name (`redis`, `acme-db`) that a third-party adapter registers. */
export type StoreKind = BuiltInStoreKind | (string & {});

/** An AI SDK `UIMessage` (or any message with an id and a role), stored verbatim as JSON. */
export interface Message {
  /** Unique within its conversation. */
  id: string;
  /** `user`, `assistant`, `system`, or any non-empty role string. */
  role: string;
  [key: string]: unknown;
}

/** What writes accept: any object with a string id and role, so an AI SDK `UIMessage[]` passes as it is. */
export interface MessageInput {
  readonly id: string;
  readonly role: string;
}

/** Token and cost counters of a conversation; every field is optional and non-negative. */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  cachedTokens?: number;
  costUsd?: number;
  durationMs?: number;
}

/** A conversation without its messages: what `list` returns and what every write resolves to. */
export interface ConversationMeta {
  /** Conversation id, unique per user (the AI SDK chat id). */
  id: string;
  /** Owner; every call is scoped by it. */
  userId: string;
  /** Given title, else the first user message's text (trimmed, max 100 chars), else "New Conversation". */
  title: string;
  /** Number of stored messages. */
  messageCount: number;
  model?: string;
  provider?: string;
  /** Running totals; `append` adds deltas atomically. */
  usage?: Usage;
  /** A JSON object, opaque to the store. */
  metadata?: Record<string, unknown>;
  /** Unix ms of the first write. */
  createdAt: number;
  /** Unix ms of the latest write. */
  updatedAt: number;
  /** 1 after the first write, +1 on every write. */
  version: number;
}

/** A conversation with its messages in sequence order, typed as the app's message type `M`. */
export interface StoredConversation<M extends MessageInput = Message> extends ConversationMeta {
  messages: M[];
}

/** What writes of a `ConversationStore<M>` take: `M` for a typed store, any `MessageInput` for an untyped one. */
export type WritableMessage<M extends MessageInput> = Message extends M ? MessageInput : M;

/** What `upsert` takes: identity and messages are required, the rest keeps stored values when omitted. */
export interface ConversationInput<M extends MessageInput = MessageInput> {
  id: string;
  userId: string;
  messages: M[];
  title?: string;
  model?: string;
  provider?: string;
  /** Replaces the stored totals when given. */
  usage?: Usage;
  /** Replaces the stored metadata when given. */
  metadata?: Record<string, unknown>;
  /** Kept on import/copy; defaults to now on create. */
  createdAt?: number;
  /** Kept on import/copy; defaults to now. */
  updatedAt?: number;
}

/** Fields `update` can change; omitted fields keep their value. */
export interface ConversationPatch {
  title?: string;
  model?: string;
  provider?: string;
  /** Replaces the stored totals. */
  usage?: Usage;
  /** Replaces the stored metadata. */
  metadata?: Record<string, unknown>;
}

/** Options of `list`. */
export interface ListOptions {
  /** Page size, 1..200, default 50. */
  limit?: number;
  /** `nextCursor` of the previous page; opaque and backend-specific. */
  cursor?: string;
  /** Only conversations with `updatedAt` strictly greater than this Unix ms. */
  updatedAfter?: number;
}

/** One keyset page of `list`. */
export interface ListPage {
  /** Ordered by `updatedAt` desc, then `id` desc. */
  items: ConversationMeta[];
  /** Pass to the next `list` call; null on the last page. */
  nextCursor: string | null;
}

/** Options of `window`. */
export interface WindowOptions {
  /** Messages per window, 1..1000, default 50. */
  limit?: number;
  /** `nextCursor` of the previous window: the next window holds the messages just older than it; opaque. */
  before?: string;
}

/** The newest messages of a conversation (or, with a cursor, the ones just older), in sequence order. */
export interface MessageWindow<M extends MessageInput = Message> {
  /** The conversation's meta (its `messageCount` is the whole conversation's). */
  meta: ConversationMeta;
  /** At most `limit` messages, oldest first, ending just before the cursor (or at the newest message). */
  messages: M[];
  /** Pass as `before` for the older window; null when this window starts at the first message. Appends in between do not shift it. */
  nextCursor: string | null;
}

/** Optimistic concurrency for writes. */
export interface WriteOptions {
  /** The version the caller last saw (0 = must not exist); a mismatch throws CONFLICT and writes nothing. */
  expectedVersion?: number;
}

/** Options of `append`. */
export interface AppendOptions extends WriteOptions {
  /** Added to the stored usage totals atomically with the messages. */
  usage?: Usage;
}

/**
 * The one interface every backend implements. `M` is the app's message type (e.g. the AI SDK's `UIMessage<...>`):
 * messages are stored verbatim as JSON, so `get` returns what was written, typed as `M`, with no cast.
 */
export interface ConversationStore<M extends MessageInput = Message> {
  /** Which backend this is. */
  readonly kind: StoreKind;
  /** False for memory (lost on restart); true for every server database. */
  readonly persistent: boolean;
  /** A keyset page of the user's conversations, newest first; throws VALIDATION on a bad cursor or limit. */
  list(userId: string, options?: ListOptions): Promise<ListPage>;
  /** The conversation with its messages; returns null when missing or owned by another user. */
  get(userId: string, id: string): Promise<StoredConversation<M> | null>;
  /** Creates or replaces the conversation's messages, writing only from the first changed message on; throws CONFLICT when expectedVersion differs. */
  upsert<W extends WritableMessage<M>>(input: ConversationInput<W>, options?: WriteOptions): Promise<ConversationMeta>;
  /** Optional: the newest `limit` messages (or those just older than `before`) without loading the rest; null when missing or owned by another user; throws VALIDATION on a bad limit or cursor. */
  window?(userId: string, id: string, options?: WindowOptions): Promise<MessageWindow<M> | null>;
  /** Adds messages after the last one (and a usage delta) atomically; throws NOT_FOUND when missing, CONFLICT on a duplicate message id or when expectedVersion differs. */
  append<W extends WritableMessage<M>>(
    userId: string,
    id: string,
    messages: W[],
    options?: AppendOptions,
  ): Promise<ConversationMeta>;
  /** Changes title, metadata, usage, model or provider; throws NOT_FOUND when missing, CONFLICT when expectedVersion differs. */
  update(userId: string, id: string, patch: ConversationPatch, options?: WriteOptions): Promise<ConversationMeta>;
  /** Deletes the conversation and its messages; returns false when nothing was there (idempotent). */
  delete(userId: string, id: string): Promise<boolean>;
  /** Deletes every conversation of the user; returns how many were deleted. */
  deleteAll(userId: string): Promise<number>;
  /** Releases connections the store opened itself; a client passed in by the app is left open. */
  close(): Promise<void>;
  /** Optional: a page of the user ids that have conversations, ascending (export --all, copy); absent when the backend cannot enumerate users. */
  listUsers?(options?: { limit?: number; cursor?: string }): Promise<{ items: string[]; nextCursor: string | null }>;
  /** Optional: applies pending schema migrations (or only plans them with dryRun). */
  migrate?(options?: { dryRun?: boolean }): Promise<MigrationReport>;
  /** Optional: live checks for `doctor` (reachable, credentials, server version, schema version, grants). */
  diagnose?(): Promise<HealthCheck[]>;
}

/** What `migrate()` did or, with dryRun, would do. */
export interface MigrationReport {
  /** Schema version before. */
  from: number;
  /** Schema version after (or that dryRun would reach). */
  to: number;
  /** Migrations applied (or pending, with dryRun), with their SQL. */
  steps: { version: number; name: string; sql: string }[];
}

/** One live check of a backend. */
export interface HealthCheck {
  /** Short name such as "reachable" or "schema version". */
  name: string;
  ok: boolean;
  /** What was found, redacted; on failure, how to fix it. */
  detail: string;
}

/** Anything the resolver passes to adapters: the parsed config plus the runtime's bindings. */
export interface StoreContext {
  /** The raw environment the config was parsed from. */
  env: Readonly<Record<string, string | undefined>>;
  /** Worker bindings (D1 database, Durable Object namespace) by name. */
  bindings: Readonly<Record<string, unknown>>;
  /** True when the app runs in production (NODE_ENV=production or the explicit option). */
  production: boolean;
  logger: Logger;
}

/** What a store package exports so the resolver can create it. */
export interface StoreAdapter<K extends StoreKind = StoreKind> {
  /** The backend this adapter creates. */
  kind: K;
  /** The npm package that ships it, named in errors and explanations. */
  packageName: string;
  /** Whether the env configures this backend, with the reason explanations print; required for a third-party kind to be resolvable from the env (the built-in kinds have the spec's rules, which this cannot override). */
  detect?(config: ConversationConfig, context: StoreContext): StoreDetection;
  /** Where a third-party kind joins `auto` (omitted: explicit `AGENT_CONVERSATION_STORE` only); ignored for the built-in kinds, which keep the spec's order. */
  auto?: AutoPlacement;
  /** Variables that configure it (names only), listed by explanations as seen and ignored when another store is used. */
  variables?: readonly string[];
  /** Extra checks beyond the env rules (e.g. the binding really is a D1 database); a string is the reason it is not usable. */
  isConfigured?(config: ConversationConfig, context: StoreContext): true | string;
  /** Builds the store; must do no I/O (connect lazily). */
  create(config: ConversationConfig, context: StoreContext): ConversationStore | Promise<ConversationStore>;
}

/** What an adapter's `detect` says: whether its configuration is present, and why (no secrets). */
export interface StoreDetection {
  available: boolean;
  reason: string;
}

/** Where a third-party kind goes in the `auto` order: before or after a named kind, or at an end (`last` is still before the memory fallback). */
export type AutoPlacement = 'first' | 'last' | { before: StoreKind } | { after: StoreKind };

/** Where warnings go; defaults to `console`. */
export interface Logger {
  warn(message: string): void;
}
