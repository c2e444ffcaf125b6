import { ConversationStoreError } from '@agent-conversations/core';
import type { Api } from './http.js';
import { INLINE_MESSAGES, MESSAGE_PAGE, type ApiConversation, type ApiMessage, type ApiMessageInput, type ApiPage } from './wire.js';

const conversation = (id: string): string => `/v1/conversations/${encodeURIComponent(id)}`;

/** The AgentState endpoints this store uses, typed; 404 answers become null/false where a caller expects them. */
export interface AgentStateApi {
  /** `GET /v1/conversations/by-external-id/:externalId`, with inline messages or `fields=!messages`. */
  byExternalId(externalId: string, withMessages: boolean): Promise<ApiConversation | null>;
  /** `GET /v1/conversations/:id`. */
  get(id: string, withMessages: boolean): Promise<ApiConversation | null>;
  /** Every entry of a conversation read with messages: the inline ones, then pages of `/messages`, cut at its `message_count`. */
  entries(conversation: ApiConversation): Promise<ApiMessage[]>;
  /** `POST /v1/conversations`; null on 409 (the external id exists). Not retried on a lost response. */
  create(body: { external_id: string; title: string; metadata: Record<string, unknown>; messages: ApiMessageInput[] }): Promise<ApiConversation | null>;
  /** `POST /v1/conversations/:id/messages`; false on 404. Not retried on a lost response. */
  postMessages(id: string, messages: ApiMessageInput[]): Promise<boolean>;
  /** `PUT /v1/conversations/:id`; null on 404. */
  put(id: string, body: { title?: string; metadata: Record<string, unknown> }): Promise<ApiConversation | null>;
  /** `DELETE /v1/conversations/:id`; false on 404. Not retried on a lost response. */
  remove(id: string): Promise<boolean>;
  /** `POST /v1/conversations/:id/tags` (idempotent); false on 404. */
  addTags(id: string, tags: string[]): Promise<boolean>;
  /** `GET /v1/conversations?tag=` one page, newest first. */
  listByTag(tag: string, limit: number, cursor: string | undefined): Promise<ApiPage<ApiConversation>>;
}

/** Binds the endpoints to an API caller. */
export function agentStateApi(call: Api): AgentStateApi {
  const fields = (withMessages: boolean): Record<string, string | undefined> => ({ fields: withMessages ? undefined : '!messages' });
  const read = async (path: string, withMessages: boolean, label: string): Promise<ApiConversation | null> => {
    const res = await call<ApiConversation>({ method: 'GET', path, query: fields(withMessages), label, expect: [404], idempotent: true });
    return res.status === 404 ? null : res.body;
  };
  return {
    byExternalId: (externalId, withMessages) => read(`/v1/conversations/by-external-id/${encodeURIComponent(externalId)}`, withMessages, 'read conversation by external id'),
    get: (id, withMessages) => read(conversation(id), withMessages, 'read conversation'),

    async entries(conv) {
      const out = [...(conv.messages ?? [])].slice(0, conv.message_count);
      if (out.length < conv.message_count && out.length < INLINE_MESSAGES) {
        throw new ConversationStoreError('STORAGE', `AgentState returned ${out.length} of ${conv.message_count} messages inline; expected up to ${INLINE_MESSAGES}`, { adapter: 'agentstate' });
      }
      let after = out[out.length - 1]?.id;
      while (out.length < conv.message_count) {
        const page = await call<ApiPage<ApiMessage>>({ method: 'GET', path: `${conversation(conv.id)}/messages`, query: { limit: MESSAGE_PAGE, after }, label: 'read messages', idempotent: true });
        out.push(...page.body.data);
        after = page.body.data[page.body.data.length - 1]?.id;
        if (!page.body.pagination.next_cursor || !after) break;
      }
      if (out.length < conv.message_count) {
        throw new ConversationStoreError('STORAGE', `AgentState returned ${out.length} messages for a conversation with message_count ${conv.message_count}`, { adapter: 'agentstate' });
      }
      return out.slice(0, conv.message_count);
    },

    async create(body) {
      const res = await call<ApiConversation>({ method: 'POST', path: '/v1/conversations', body, label: 'create conversation', expect: [409], idempotent: false });
      return res.status === 409 ? null : res.body;
    },

    async postMessages(id, messages) {
      const res = await call<unknown>({ method: 'POST', path: `${conversation(id)}/messages`, body: { messages }, label: 'add messages', expect: [404], idempotent: false });
      return res.status !== 404;
    },

    async put(id, body) {
      const res = await call<ApiConversation>({ method: 'PUT', path: conversation(id), body, label: 'update conversation', expect: [404], idempotent: true });
      return res.status === 404 ? null : res.body;
    },

    async remove(id) {
      const res = await call<unknown>({ method: 'DELETE', path: conversation(id), label: 'delete conversation', expect: [404], idempotent: false });
      return res.status !== 404;
    },

    async addTags(id, tags) {
      const res = await call<unknown>({ method: 'POST', path: `${conversation(id)}/tags`, body: { tags }, label: 'tag conversation', expect: [404], idempotent: true });
      return res.status !== 404;
    },

    async listByTag(tag, limit, cursor) {
      const res = await call<ApiPage<ApiConversation>>({ method: 'GET', path: '/v1/conversations', query: { tag, limit, cursor, order: 'desc' }, label: 'list conversations', idempotent: true });
      return res.body;
    },
  };
}
