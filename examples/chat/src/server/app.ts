import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  explainStoreResolution,
  formatExplanation,
  type ConversationStore,
  type EnvRecord,
  type StoreExplanation,
  type StoreKind,
} from '@agent-conversations/core';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { SessionInfo } from '../shared/api.js';
import { chatRoute, chatValidationError } from './chat-route.js';
import { conversationsApi } from './conversations-api.js';
import { errorResponse, isObject, json, readJson, toErrorResponse } from './http.js';
import { badPath, checkRequest, withSecurityHeaders } from './security.js';
import { createSessions, demoUserName } from './sessions.js';

/** What the chat app needs: the resolved server store, the environment it was resolved from, the model and where the page files are. */
export interface ChatAppOptions {
  /** The store signed-in users' history lives in (resolved once at startup). */
  store: ConversationStore;
  /** The environment the store was resolved from, for the per-session explanation in the status line. */
  env: EnvRecord;
  model: LanguageModelV3;
  /** Folder with index.html and styles.css. */
  publicDir: string;
  /** Folder with the bundled page script app.js. */
  bundleDir: string;
  /** The key that signs session cookies (32+ characters). */
  sessionSecret: string;
  /** The `host:port` values of the Host header this server answers to (DNS rebinding protection); filled once it listens. */
  allowedHosts: ReadonlySet<string>;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  map: 'application/json',
};

/**
 * The backend an explanation settled on. For a signed-out session the resolver picks `local`, but on a server
 * (no localStorage) it reports it as a chosen or refused candidate with an error, and `decision` stays null.
 */
export function chosenKind(explanation: StoreExplanation): StoreKind | null {
  return (
    explanation.decision ??
    explanation.candidates.find((c) => c.kind === 'local' && (c.status === 'chosen' || c.status === 'refused'))?.kind ??
    null
  );
}

/** The chat app as a fetch handler (`Request` in, `Response` out), the same shape as a Next.js route or a Worker. */
export function createChatApp(options: ChatAppOptions): (request: Request) => Promise<Response> {
  const { store, env, model } = options;
  const sessions = createSessions({ secret: options.sessionSecret });
  const files: Record<string, string> = {
    '/': join(options.publicDir, 'index.html'),
    '/styles.css': join(options.publicDir, 'styles.css'),
    '/app.js': join(options.bundleDir, 'app.js'),
    '/app.js.map': join(options.bundleDir, 'app.js.map'),
  };

  const sessionInfo = (user: string | null): SessionInfo => {
    const explanation = explainStoreResolution({ env, authenticated: user !== null });
    const kind = chosenKind(explanation);
    // Shown with `local` as the decision, so the first line names the store the page then uses.
    const text = formatExplanation({ ...explanation, decision: kind });
    return {
      user,
      store: {
        kind,
        reason: explanation.reason,
        persistent: kind === store.kind && store.persistent,
        explanation: text,
      },
    };
  };

  const serveFile = async (path: string): Promise<Response> => {
    const file = files[path]!;
    try {
      return new Response(await readFile(file), {
        headers: {
          'content-type': TYPES[file.split('.').pop()!] ?? 'application/octet-stream',
          'cache-control': 'no-cache',
        },
      });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
      return new Response(`${path} is missing: build the page first (npm run build -w examples/chat)`, {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
  };

  const route = async (request: Request): Promise<Response> => {
    const refused = checkRequest(request, options.allowedHosts);
    if (refused) return refused;
    const path = new URL(request.url).pathname;
    decodeURIComponent(path); // a URIError (e.g. %ZZ) becomes a 400 below
    if (request.method === 'GET' && path in files) return serveFile(path);
    const user = sessions.userOf(request);
    if (path === '/api/session' && request.method === 'GET') return json(sessionInfo(user));
    if (path === '/api/sign-in' && request.method === 'POST') {
      const read = await readJson(request);
      if (!read.ok) return read.response;
      const name = demoUserName(isObject(read.body) ? read.body.name : undefined);
      if (!name)
        return errorResponse('VALIDATION', 'a demo user name is 1-32 letters, digits, _ or -, starting with a letter');
      return json(sessionInfo(name), 200, { 'set-cookie': sessions.signIn(name) });
    }
    if (path === '/api/sign-out' && request.method === 'POST')
      return json(sessionInfo(null), 200, { 'set-cookie': sessions.signOut() });
    if (path === '/api/chat' && request.method === 'POST') return chatRoute(request, { store, userId: user, model });
    if (path === '/api/conversations' || path.startsWith('/api/conversations/')) {
      if (user === null)
        return errorResponse(
          'UNAUTHORIZED',
          'sign in first: signed-out history stays in this browser (local), not on the server',
        );
      const rest = path.slice('/api/conversations'.length).split('/').filter(Boolean).map(decodeURIComponent);
      return conversationsApi(store, user, request, rest);
    }
    return errorResponse('NOT_FOUND', `no route for ${request.method} ${path}`);
  };

  return async (request) => {
    try {
      return withSecurityHeaders(await route(request));
    } catch (error) {
      return withSecurityHeaders(
        error instanceof URIError ? badPath() : (chatValidationError(error) ?? toErrorResponse(error)),
      );
    }
  };
}
