import { createPostgresStore } from '../src/index.js';

// The Worker the workerd tests run in, written as an app would: one store per request over the Hyperdrive binding (a socket
// belongs to the request that opened it), closed once the response is sent.
export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);
    const [userId, id] = [
      url.searchParams.get('user') ?? 'anonymous',
      url.searchParams.get('conversation') ?? 'default',
    ];
    const store = createPostgresStore({ hyperdrive: env.HYPERDRIVE });
    try {
      const text = await request.text();
      if (request.method === 'POST') {
        const message = { id: crypto.randomUUID(), role: 'user', parts: [{ type: 'text', text }] };
        await store.upsert({ userId, id, messages: [...((await store.get(userId, id))?.messages ?? []), message] });
      }
      return Response.json(await store.get(userId, id));
    } finally {
      ctx.waitUntil(store.close());
    }
  },
} satisfies ExportedHandler<Cloudflare.Env>;
