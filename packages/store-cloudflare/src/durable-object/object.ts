import {
  ConversationStoreError,
  type AppendOptions,
  type ConversationInput,
  type ConversationPatch,
  type ListOptions,
  type Message,
  type WindowOptions,
  type WriteOptions,
} from '@agent-conversations/core';
import { DurableObject } from 'cloudflare:workers';
import { createSqlStore, type SqlConversationStore } from '../shared/engine.js';
import { applyMigrations } from '../shared/migrate.js';
import type { SqlRunner } from '../shared/runner.js';
import type { ExtendChange } from '../shared/statements.js';
import { toReply, type ConversationsReply, type ConversationsRpc } from './protocol.js';
import { durableObjectRunner } from './runner.js';
import { parseWindowCall, windowText } from '../shared/window.js';

function parseJson(text: unknown, name: string): unknown {
  try {
    return JSON.parse(String(text));
  } catch (error) {
    throw new ConversationStoreError('VALIDATION', `${name} must be JSON text`, {
      adapter: 'durable-object',
      cause: error,
    });
  }
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** The ExtendChange the client built, checked for shape (its messages were validated before they were sent). */
function parseChange(text: unknown): ExtendChange {
  const change = parseJson(text, 'changeJson') as Partial<ExtendChange> | null;
  const ok =
    change !== null &&
    typeof change === 'object' &&
    isText(change.userId) &&
    isText(change.id) &&
    Number.isSafeInteger(change.from) &&
    Array.isArray(change.digests) &&
    change.digests.every(Number.isSafeInteger) &&
    Array.isArray(change.tail) &&
    change.tail.every(
      (m) => isText(m?.id) && isText(m.json) && isText(m.fingerprint) && /^[0-9a-f]+$/.test(m.fingerprint),
    ) &&
    change.digests.length === change.tail.length + 1 &&
    isText(change.placeholderTitle) &&
    isText(change.defaultTitle);
  if (!ok)
    throw new ConversationStoreError('VALIDATION', 'changeJson is not an upsert change', { adapter: 'durable-object' });
  return change as ExtendChange;
}

/** The table the object records its applied schema steps in. */
export const DO_MIGRATIONS_TABLE = 'agent_conversations_migrations';

/**
 * One user's conversations in a SQLite-backed Durable Object. Re-export it from your Worker and bind it with a
 * `new_sqlite_classes` migration; the adapter addresses it with `idFromName(userId)`. The schema is created and
 * versioned inside the object on first use.
 */
export class AgentConversationsDurableObject<Env = unknown> extends DurableObject<Env> implements ConversationsRpc {
  readonly #runner: SqlRunner;
  readonly #store: SqlConversationStore;
  #ready: Promise<unknown> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#runner = durableObjectRunner(ctx.storage);
    this.#store = createSqlStore(this.#runner, { kind: 'durable-object' });
  }

  /** Lists the user's conversations (a ListPage as JSON). */
  async listConversations(userId: string, options?: ListOptions): Promise<ConversationsReply> {
    return this.#run(userId, async () => JSON.stringify(await this.#store.list(userId, options)));
  }

  /** One conversation with its messages as stored (JSON), or null. */
  async getConversation(userId: string, id: string): Promise<ConversationsReply> {
    return this.#run(userId, async () => (await this.#store.getText(userId, id)) ?? 'null');
  }

  /** The newest messages of one conversation (or those just older than `options.before`) as stored (JSON), or null. */
  async windowConversation(userId: string, id: string, options?: WindowOptions): Promise<ConversationsReply> {
    return this.#run(
      userId,
      async () =>
        (await windowText(this.#runner, userId, id, parseWindowCall(userId, id, options, 'a Durable Object'))) ??
        'null',
    );
  }

  /** Creates or replaces a conversation given as JSON. */
  async upsertConversation(inputJson: string, options?: WriteOptions): Promise<ConversationsReply> {
    return toReply(async () => {
      const input = parseJson(inputJson, 'inputJson') as ConversationInput | null;
      return this.#guard(input?.userId, async () =>
        JSON.stringify(await this.#store.upsert(input as ConversationInput, options)),
      );
    });
  }

  /** Upserts in one transaction with no read when the stored messages are the change's minus at most its tail; else replies null. */
  async extendConversation(changeJson: string): Promise<ConversationsReply> {
    return toReply(async () => {
      const change = parseChange(changeJson);
      return this.#guard(change.userId, async () => JSON.stringify(await this.#store.extend(change)));
    });
  }

  /** Appends messages given as a JSON array. */
  async appendMessages(
    userId: string,
    id: string,
    messagesJson: string,
    options?: AppendOptions,
  ): Promise<ConversationsReply> {
    return this.#run(userId, async () =>
      JSON.stringify(
        await this.#store.append(userId, id, parseJson(messagesJson, 'messagesJson') as Message[], options),
      ),
    );
  }

  /** Applies a patch given as JSON. */
  async updateConversation(
    userId: string,
    id: string,
    patchJson: string,
    options?: WriteOptions,
  ): Promise<ConversationsReply> {
    return this.#run(userId, async () =>
      JSON.stringify(
        await this.#store.update(userId, id, parseJson(patchJson, 'patchJson') as ConversationPatch, options),
      ),
    );
  }

  /** Deletes one conversation. */
  async deleteConversation(userId: string, id: string): Promise<ConversationsReply> {
    return this.#run(userId, async () => JSON.stringify(await this.#store.delete(userId, id)));
  }

  /** Deletes all of the user's conversations. */
  async deleteAllConversations(userId: string): Promise<ConversationsReply> {
    return this.#run(userId, async () => JSON.stringify(await this.#store.deleteAll(userId)));
  }

  #run(userId: unknown, work: () => Promise<string>): Promise<ConversationsReply> {
    return toReply(() => this.#guard(userId, work));
  }

  /** Refuses another user's calls (when the id carries its name), applies pending schema steps once, then runs `work`. */
  async #guard(userId: unknown, work: () => Promise<string>): Promise<string> {
    const name = this.ctx.id.name;
    if (name !== undefined && name !== userId) {
      throw new ConversationStoreError(
        'UNAUTHORIZED',
        "this Durable Object holds another user's conversations; address each user with idFromName(userId)",
        { adapter: 'durable-object' },
      );
    }
    this.#ready ??= applyMigrations(this.#runner, DO_MIGRATIONS_TABLE).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    await this.#ready;
    return work();
  }
}
