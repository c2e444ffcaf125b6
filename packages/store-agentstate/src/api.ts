import type { Api } from './http.js';
import type { ApiConversation, ApiMessage, ApiMessageInput, ApiPage } from './wire.js';

const conversation = (id: string): string => `/v1/conversations/${encodeURIComponent(id)}`;

/** The AgentState endpoints this store uses, typed; 404 answers become null/false where a caller expects them. */
export interface AgentStateApi {
  /** `GET /v1/conversations/by-external-id/:externalId`: the conversation with every message (the server sends them all, in no fixed order within a batch). */
  byExternalId(externalId: string): Promise<ApiConversation | null>;
  /** `GET /v1/conversations/:id?fields=!messages`: the row alone; null on 404. */
  row(id: string): Promise<ApiConversation | null>;
  /** `GET /v1/conversations/:id/messages?after=&limit=`: one chronological page of entries; null on 404. */
  messagesAfter(id: string, after: string, limit: number): Promise<ApiPage<ApiMessage> | null>;
  /** `POST /v1/conversations` without messages; null on 409 (the external id exists). Not retried on a lost response. */
  create(body: {
    external_id: string;
    title: string;
    metadata: Record<string, unknown>;
  }): Promise<ApiConversation | null>;
  /** `POST /v1/conversations/:id/messages` (at most 5); the stored messages, null on 404. Not retried on a lost response. */
  postMessages(id: string, messages: ApiMessageInput[]): Promise<ApiMessage[] | null>;
  /** `PUT /v1/conversations/:id`; false on 404. */
  put(id: string, body: { title: string; metadata: Record<string, unknown> }): Promise<boolean>;
  /** `DELETE /v1/conversations/:id`; false on 404. Not retried on a lost response. */
  remove(id: string): Promise<boolean>;
  /** `POST /v1/conversations/:id/tags` (idempotent); false on 404. */
  addTags(id: string, tags: string[]): Promise<boolean>;
  /** `GET /v1/conversations?tag=` one page, newest first. */
  listByTag(tag: string, limit: number, cursor: string | undefined): Promise<ApiPage<ApiConversation>>;
}

/** Binds the endpoints to an API caller. */
export function agentStateApi(call: Api): AgentStateApi {
  return {
    async byExternalId(externalId) {
      const res = await call<ApiConversation>({
        method: 'GET',
        path: `/v1/conversations/by-external-id/${encodeURIComponent(externalId)}`,
        label: 'read conversation',
        expect: [404],
        idempotent: true,
      });
      return res.status === 404 ? null : res.body;
    },

    async row(id) {
      const res = await call<ApiConversation>({
        method: 'GET',
        path: conversation(id),
        query: { fields: '!messages' },
        label: 'read conversation',
        expect: [404],
        idempotent: true,
      });
      return res.status === 404 ? null : res.body;
    },

    async messagesAfter(id, after, limit) {
      const res = await call<ApiPage<ApiMessage>>({
        method: 'GET',
        path: `${conversation(id)}/messages`,
        query: { after, limit },
        label: 'read messages',
        expect: [404],
        idempotent: true,
      });
      return res.status === 404 ? null : res.body;
    },

    async create(body) {
      const res = await call<ApiConversation>({
        method: 'POST',
        path: '/v1/conversations',
        body,
        label: 'create conversation',
        expect: [409],
        idempotent: false,
      });
      return res.status === 409 ? null : res.body;
    },

    async postMessages(id, messages) {
      const res = await call<{ messages: ApiMessage[] }>({
        method: 'POST',
        path: `${conversation(id)}/messages`,
        body: { messages },
        label: 'add messages',
        expect: [404],
        idempotent: false,
      });
      return res.status === 404 ? null : res.body.messages;
    },

    async put(id, body) {
      const res = await call<unknown>({
        method: 'PUT',
        path: conversation(id),
        body,
        label: 'update conversation',
        expect: [404],
        idempotent: true,
      });
      return res.status !== 404;
    },

    async remove(id) {
      const res = await call<unknown>({
        method: 'DELETE',
        path: conversation(id),
        label: 'delete conversation',
        expect: [404],
        idempotent: false,
      });
      return res.status !== 404;
    },

    async addTags(id, tags) {
      const res = await call<unknown>({
        method: 'POST',
        path: `${conversation(id)}/tags`,
        body: { tags },
        label: 'tag conversation',
        expect: [404],
        idempotent: true,
      });
      return res.status !== 404;
    },

    async listByTag(tag, limit, cursor) {
      const res = await call<ApiPage<ApiConversation>>({
        method: 'GET',
        path: '/v1/conversations',
        query: { tag, limit, cursor, order: 'desc' },
        label: 'list conversations',
        idempotent: true,
      });
      return res.body;
    },
  };
}
