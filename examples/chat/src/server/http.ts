import { isConversationStoreError, type ErrorCode } from '@agent-conversations/core';
import type { ApiErrorBody } from '../shared/api.js';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CONFIG: 500,
  STORAGE: 500,
  UNAVAILABLE: 503,
};

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** An error response with the store's error code, so the page's HTTP store can rethrow the same ConversationStoreError. */
export function errorResponse(code: ErrorCode, message: string): Response {
  const body: ApiErrorBody = { error: { code, message } };
  return json(body, STATUS[code]);
}

/** Maps a thrown error to a response: store errors keep their code and (already redacted) message; anything else is logged and hidden. */
export function toErrorResponse(error: unknown): Response {
  if (isConversationStoreError(error)) return errorResponse(error.code, error.message);
  console.error('chat demo: unexpected error', error);
  return errorResponse('STORAGE', 'unexpected server error (see the server log)');
}

/** Reads a JSON request body; a body that is not JSON is a VALIDATION error response. */
export async function readJson(
  request: Request,
): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  if (!(request.headers.get('content-type') ?? '').startsWith('application/json')) {
    return { ok: false, response: errorResponse('VALIDATION', 'send a JSON body with content-type: application/json') };
  }
  try {
    return { ok: true, body: await request.json() };
  } catch {
    return { ok: false, response: errorResponse('VALIDATION', 'the request body is not valid JSON') };
  }
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
