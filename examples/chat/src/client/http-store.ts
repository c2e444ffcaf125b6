import {
  ConversationStoreError,
  type ConversationMeta,
  type ConversationStore,
  type ListPage,
  type Message,
  type MessageInput,
  type StoredConversation,
  type StoreKind,
} from '@agent-conversations/core';
import type { ApiErrorBody } from '../shared/api.js';

/** Options of {@link createHttpStore}. */
export interface HttpStoreOptions {
  /** The signed-in user; the server scopes every call by the session anyway, this only catches mistakes early. */
  userId: string;
  /** The server store's kind and persistence, from `/api/session`. */
  kind: StoreKind;
  persistent: boolean;
  /** Default `/api/conversations`. */
  baseUrl?: string;
}

const ADAPTER = 'http';

/**
 * The signed-in user's server history as a ConversationStore: each call is one request to the demo server,
 * which runs it on its resolved store for the session's user. Errors come back as ConversationStoreError
 * with the server's code, so importLocalHistory sees CONFLICT and VALIDATION as it would in-process.
 */
export function createHttpStore<M extends MessageInput = Message>(options: HttpStoreOptions): ConversationStore<M>;
export function createHttpStore({
  userId,
  kind,
  persistent,
  baseUrl = '/api/conversations',
}: HttpStoreOptions): ConversationStore {
  const mine = (id: string): void => {
    if (id !== userId)
      throw new ConversationStoreError(
        'UNAUTHORIZED',
        `this page is signed in as "${userId}"; the server only serves that user's conversations`,
        { adapter: ADAPTER },
      );
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ConversationStoreError('UNAVAILABLE', 'the chat server is not reachable', { adapter: ADAPTER, cause });
    }
    let data: unknown;
    try {
      data = await response.json();
    } catch (cause) {
      throw new ConversationStoreError('UNAVAILABLE', `the chat server answered ${response.status} without JSON`, {
        adapter: ADAPTER,
        cause,
      });
    }
    if (!response.ok) {
      const { error } = data as ApiErrorBody;
      throw new ConversationStoreError(error.code, error.message, { adapter: ADAPTER });
    }
    return data as T;
  };
  const at = (id: string, rest = ''): string => `/${encodeURIComponent(id)}${rest}`;

  return {
    kind,
    persistent,
    async list(user, options = {}) {
      mine(user);
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(options)) if (value !== undefined) params.set(key, String(value));
      const query = params.toString();
      return call<ListPage>('GET', query ? `?${query}` : '');
    },
    async get(user, id) {
      mine(user);
      return call<StoredConversation | null>('GET', at(id));
    },
    async upsert(input, options = {}) {
      mine(input.userId);
      const { userId: _owner, ...rest } = input;
      return call<ConversationMeta>('PUT', at(input.id), { input: rest, options });
    },
    async append(user, id, messages, options = {}) {
      mine(user);
      return call<ConversationMeta>('POST', at(id, '/messages'), { messages, options });
    },
    async update(user, id, patch, options = {}) {
      mine(user);
      return call<ConversationMeta>('PATCH', at(id), { patch, options });
    },
    async delete(user, id) {
      mine(user);
      return (await call<{ deleted: boolean }>('DELETE', at(id))).deleted;
    },
    async deleteAll(user) {
      mine(user);
      return (await call<{ deleted: number }>('DELETE', '')).deleted;
    },
    async close() {
      // Nothing to release: every call is its own request.
    },
  };
}
