// A Worker that keeps each signed-in user's chat history in D1, or in one Durable Object per user.
// The backend is chosen from the env by the resolver: CONVERSATIONS_D1 first, then AGENT_CONVERSATIONS_DO;
// in production with neither it fails closed instead of using memory.
import {
  ConversationStoreError,
  createStoreResolver,
  formatExplanation,
  type ErrorCode,
  type Message,
} from '@agent-conversations/core';
import { d1Adapter, durableObjectAdapter } from '@agent-conversations/store-cloudflare';
import type { AgentConversationsDurableObject } from '@agent-conversations/store-cloudflare/durable-object';

// Re-export the Durable Object class so wrangler can bind it (see wrangler.jsonc).
export { AgentConversationsDurableObject } from '@agent-conversations/store-cloudflare/durable-object';

export type Env = {
  CONVERSATIONS_D1?: D1Database;
  AGENT_CONVERSATIONS_DO?: DurableObjectNamespace<AgentConversationsDurableObject>;
  AGENT_CONVERSATION_PERSISTENCE?: string;
  AGENT_CONVERSATION_STORE?: string;
  AGENT_CONVERSATIONS_DO_BINDING?: string;
};

const resolver = createStoreResolver([d1Adapter, durableObjectAdapter]);

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  UNAVAILABLE: 503,
  STORAGE: 500,
  CONFIG: 500,
};

const json = (body: unknown, status = 200): Response => Response.json(body, { status });

async function handle(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  // Workers have no NODE_ENV: say explicitly that this is production.
  const options = { env, production: true };
  if (url.pathname === '/store') return new Response(formatExplanation(resolver.explain(options)));

  // Your auth decides who the user is; a header stands in for it here.
  const userId = request.headers.get('x-user-id');
  if (!userId) return json({ error: 'sign in first' }, 401);
  const store = await resolver.resolve(options);
  const [, collection, id, sub] = url.pathname.split('/');
  if (collection !== 'conversations') return json({ error: 'not found' }, 404);

  if (!id && request.method === 'GET') {
    return json(await store.list(userId, { cursor: url.searchParams.get('cursor') ?? undefined }));
  }
  if (id && !sub && request.method === 'GET') {
    const conversation = await store.get(userId, id);
    return conversation ? json(conversation) : json({ error: 'not found' }, 404);
  }
  if (id && !sub && request.method === 'PUT') {
    const body = await request.json<{ messages: Message[]; title?: string }>();
    return json(await store.upsert({ id, userId, messages: body.messages, title: body.title }));
  }
  if (id && sub === 'messages' && request.method === 'POST') {
    const body = await request.json<{ messages: Message[]; usage?: { inputTokens?: number; outputTokens?: number } }>();
    return json(await store.append(userId, id, body.messages, { usage: body.usage }));
  }
  if (id && !sub && request.method === 'DELETE') return json({ deleted: await store.delete(userId, id) });
  return json({ error: 'not found' }, 404);
}

export default {
  async fetch(request, env): Promise<Response> {
    try {
      return await handle(request, env);
    } catch (error) {
      if (error instanceof ConversationStoreError)
        return json({ error: error.message, code: error.code }, STATUS[error.code]);
      throw error;
    }
  },
} satisfies ExportedHandler<Env>;
