import type {
  ConversationInput,
  ConversationPatch,
  ConversationStore,
  ListOptions,
  Message,
  Usage,
  WriteOptions,
} from '@agent-conversations/core';
import { errorResponse, isObject, json, readJson } from './http.js';

function number(value: string | null): number | undefined {
  return value === null ? undefined : Number(value);
}

// Bodies are passed on unchecked: the store validates every field (core's prepareInput, preparePatch,
// validateExpectedVersion...) before any I/O and throws VALIDATION, which becomes a 400.
function writeOptions(value: unknown): WriteOptions {
  return isObject(value) && value.expectedVersion !== undefined
    ? { expectedVersion: value.expectedVersion as number }
    : {};
}

/**
 * The signed-in user's conversations over HTTP: what the page's HTTP store (and so importLocalHistory) calls.
 * Every call is scoped by `userId`, the session's user; a userId in the request is ignored.
 * Store errors propagate to the caller, which turns them into responses with the same code.
 */
export async function conversationsApi(
  store: ConversationStore,
  userId: string,
  request: Request,
  path: string[],
): Promise<Response> {
  const [id, sub] = path;
  const method = request.method;
  if (id === undefined) {
    if (method === 'GET') {
      const params = new URL(request.url).searchParams;
      const options: ListOptions = {
        limit: number(params.get('limit')),
        cursor: params.get('cursor') ?? undefined,
        updatedAfter: number(params.get('updatedAfter')),
      };
      return json(await store.list(userId, options));
    }
    if (method === 'DELETE') return json({ deleted: await store.deleteAll(userId) });
    return errorResponse('NOT_FOUND', `${method} /api/conversations is not supported`);
  }
  if (sub === 'messages' && method === 'POST') {
    const read = await readJson(request);
    if (!read.ok) return read.response;
    const body = isObject(read.body) ? read.body : {};
    const options = isObject(body.options) ? body.options : {};
    return json(
      await store.append(userId, id, body.messages as Message[], {
        ...writeOptions(options),
        usage: options.usage as Usage | undefined,
      }),
    );
  }
  if (sub !== undefined) return errorResponse('NOT_FOUND', `no such route: ${sub}`);
  switch (method) {
    case 'GET':
      return json(await store.get(userId, id));
    case 'DELETE':
      return json({ deleted: await store.delete(userId, id) });
    case 'PUT': {
      const read = await readJson(request);
      if (!read.ok) return read.response;
      const body = isObject(read.body) ? read.body : {};
      const input = isObject(body.input) ? body.input : {};
      // The owner is the session's user, whatever the body says; core validates every other field.
      return json(await store.upsert({ ...input, id, userId } as ConversationInput, writeOptions(body.options)));
    }
    case 'PATCH': {
      const read = await readJson(request);
      if (!read.ok) return read.response;
      const body = isObject(read.body) ? read.body : {};
      return json(await store.update(userId, id, body.patch as ConversationPatch, writeOptions(body.options)));
    }
    default:
      return errorResponse('NOT_FOUND', `${method} /api/conversations/:id is not supported`);
  }
}
