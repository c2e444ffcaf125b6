import { DurableObject } from 'cloudflare:workers';

// The test Worker re-exports the Durable Object class exactly as an app does.
export { AgentConversationsDurableObject } from '../src/durable-object.js';

/** A Durable Object without the conversations RPC methods, to see how transport errors reach the caller. */
export class UnrelatedDurableObject extends DurableObject {}

export default {
  async fetch(): Promise<Response> {
    return new Response('store-cloudflare test worker');
  },
} satisfies ExportedHandler;
